import { Module, type Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { EnvironmentVariables } from '../config/env.validation';
import { EVENT_FEED, type EventFeed } from './event-feed';
import { EventSequencer } from './event-sequencer';
import { LiveEventBus } from './live-event-bus';
import { LiveEventsRepository } from './live-events.repository';
import { LiveEventsWriter } from './live-events.writer';
import { NatsFeed } from './nats-feed';
import { NatsRelay } from './nats-relay';
import { NatsStream } from './nats-stream';
import { PostgresFeed } from './postgres-feed';
import { ThreadEvent } from './thread-event.entity';

type Config = ConfigService<EnvironmentVariables, true>;
const usesNats = (config: Config) => config.get('EVENTS_TRANSPORT', { infer: true }) === 'nats';

/**
 * The transport of EVENTS_TRANSPORT: with `nats`, the connection to NATS and the relay that
 * publishes to it; the feed that tells the bus of new events either way. What `postgres` does
 * not use is never made (a null provider), so it opens no connection.
 */
const TRANSPORT: Provider[] = [
  {
    provide: NatsStream,
    inject: [ConfigService],
    useFactory: (config: Config) => (usesNats(config) ? new NatsStream(config) : null),
  },
  {
    provide: NatsRelay,
    inject: [LiveEventsRepository, NatsStream],
    useFactory: (events: LiveEventsRepository, nats: NatsStream | null) =>
      nats ? new NatsRelay(events, nats) : null,
  },
  {
    provide: EVENT_FEED,
    inject: [ConfigService, LiveEventsRepository, NatsStream],
    useFactory: (
      config: Config,
      events: LiveEventsRepository,
      nats: NatsStream | null,
    ): EventFeed => (nats ? new NatsFeed(nats) : new PostgresFeed(events, config)),
  },
];

/**
 * The thread events themselves: features import it to record their changes (the writer), the
 * stream routes to follow them (the bus and the repository). Every instance runs the
 * sequencing rounds and, with NATS, the relay; one round of each runs at a time across them.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ThreadEvent])],
  providers: [LiveEventBus, LiveEventsRepository, LiveEventsWriter, EventSequencer, ...TRANSPORT],
  exports: [LiveEventBus, LiveEventsRepository, LiveEventsWriter],
})
export class LiveEventsModule {}
