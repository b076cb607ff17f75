import { Global, Module } from '@nestjs/common';
import { RateLimitsRepository } from './rate-limits.repository';

/**
 * Global because RateLimitGuard is instantiated in the module of each controller that uses
 * @RateLimit(...), and needs the shared counters there.
 */
@Global()
@Module({
  providers: [RateLimitsRepository],
  exports: [RateLimitsRepository],
})
export class RateLimitModule {}
