import { Module } from '@nestjs/common';
import { AccessModule } from '../common/access/access.module';
import { LiveController } from './live.controller';
import { LiveEventsModule } from './live-events.module';
import { StreamAuthGuard } from './stream-auth.guard';
import { StreamTokensService } from './stream-tokens.service';

/** Live order and dispute events streamed over SSE, with the same party checks as the threads. */
@Module({
  imports: [LiveEventsModule, AccessModule],
  controllers: [LiveController],
  providers: [StreamAuthGuard, StreamTokensService],
})
export class LiveModule {}
