import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LiveController } from './live.controller';
import { LiveEventBus } from './live-event-bus';
import { LiveEventsRepository } from './live-events.repository';
import { LiveEventsWriter } from './live-events.writer';
import { StreamAuthGuard } from './stream-auth.guard';
import { StreamTokensService } from './stream-tokens.service';
import { ThreadEvent } from './thread-event.entity';

/** Live order and dispute events: written with each change, streamed over SSE. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ThreadEvent])],
  controllers: [LiveController],
  providers: [
    LiveEventBus,
    LiveEventsRepository,
    LiveEventsWriter,
    StreamAuthGuard,
    StreamTokensService,
  ],
  exports: [LiveEventsWriter, LiveEventBus],
})
export class LiveModule {}
