import { Module } from '@nestjs/common';
import { RateLimitsRepository } from './rate-limits.repository';

/**
 * The shared (PostgreSQL) counters. RateLimitGuard is instantiated in the module of each
 * controller that uses @RateLimit(...), so such a module imports this one.
 */
@Module({
  providers: [RateLimitsRepository],
  exports: [RateLimitsRepository],
})
export class RateLimitModule {}
