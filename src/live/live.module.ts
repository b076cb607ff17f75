import { Module } from '@nestjs/common';
import { AccessModule } from '../common/access/access.module';
import { LiveController } from './live.controller';
import { LiveEventsModule } from './live-events.module';
import { StreamAuthGuard } from './stream-auth.guard';
import { StreamTokensService } from './stream-tokens.service';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';

/** Live order and dispute events streamed over SSE, with the same party checks as the threads. */
@Module({
  imports: [IdempotencyModule, LiveEventsModule, AccessModule],
  controllers: [LiveController],
  providers: [StreamAuthGuard, StreamTokensService],
})
export class LiveModule {}
