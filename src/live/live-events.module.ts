import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LiveEventBus } from './live-event-bus';
import { LiveEventsRepository } from './live-events.repository';
import { LiveEventsWriter } from './live-events.writer';
import { ThreadEvent } from './thread-event.entity';

/**
 * The thread events themselves: features import it to record their changes (the writer), the
 * stream routes to follow them (the bus and the repository).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ThreadEvent])],
  providers: [LiveEventBus, LiveEventsRepository, LiveEventsWriter],
  exports: [LiveEventBus, LiveEventsRepository, LiveEventsWriter],
})
export class LiveEventsModule {}
