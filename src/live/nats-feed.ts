import { Injectable, Logger } from '@nestjs/common';
import type { EventFeed, FeedSink } from './event-feed';
import { NatsStream } from './nats-stream';

/**
 * EVENTS_TRANSPORT=nats: the instance consumes the stream the relay publishes, and hands its
 * events to the bus in order. When the connection to NATS drops, open streams end (events may
 * be missed meanwhile) and their clients resume from the outbox with Last-Event-ID; when it
 * comes back, live delivery resumes from the outbox's last position.
 */
@Injectable()
export class NatsFeed implements EventFeed {
  private readonly logger = new Logger('LiveEventBus');
  private connected = false;
  private closed = false;

  constructor(private readonly nats: NatsStream) {}

  get up(): boolean {
    return this.connected;
  }

  async start(sink: FeedSink): Promise<void> {
    // Not awaited: the service starts while NATS is away, and streams wait for it.
    void this.run(sink).catch((err: unknown) => {
      this.logger.error({ err }, 'The NATS feed stopped; live events are not delivered');
    });
    return Promise.resolve();
  }

  private async run(sink: FeedSink): Promise<void> {
    const { nc } = await this.nats.connected();
    await this.nats.follow((event) => sink.deliver([event]));
    await sink.ready();
    this.connected = true;
    for await (const s of nc.status()) {
      if (this.closed) return;
      if (s.type === 'disconnect' && this.connected) {
        this.connected = false;
        this.logger.warn('NATS connection lost; ending open streams and reconnecting');
        sink.lost();
      } else if (s.type === 'reconnect' && !this.connected) {
        await sink.ready();
        this.connected = true;
      }
    }
  }

  stop(): Promise<void> {
    this.closed = true;
    this.connected = false;
    return Promise.resolve();
  }
}
