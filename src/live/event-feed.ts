import type { LiveEvent } from './live-events';

/** What a feed tells the bus of its instance. */
export interface FeedSink {
  /** Positions up to `seq` are in the outbox: deliver what local streams follow. */
  advanceTo(seq: number): void;
  /** Events as the transport carried them, in position order. */
  deliver(events: LiveEvent[]): void;
  /** The feed lost its source and may have missed events: open streams must end and resume. */
  lost(): void;
  /** The feed is up (again): live delivery resumes from the outbox's last position. */
  ready(): Promise<void>;
}

/**
 * How an instance hears of new events (EVENTS_TRANSPORT): PostgreSQL's LISTEN, which carries
 * positions only, or NATS JetStream, which carries the events. Either way the outbox in
 * PostgreSQL stays the record, and what a feed may have missed is replayed from it.
 */
export interface EventFeed {
  start(sink: FeedSink): Promise<void>;
  stop(): Promise<void>;
  /** False while the feed is down: a stream opened then would miss events. */
  readonly up: boolean;
}

export const EVENT_FEED = Symbol('EVENT_FEED');
