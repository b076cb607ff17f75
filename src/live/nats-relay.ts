import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { LiveEventsRepository } from './live-events.repository';
import { NatsStream } from './nats-stream';

/** How often each instance's relay looks for positions to publish. */
const ROUND_MS = 50;
/** Events published per round at most; a full round runs again at once. */
const ROUND_SIZE = 500;
/** How far back a relay starts when the stream is empty (new, or emptied by its age limit). */
const BOOTSTRAP = 1_000;

/**
 * EVENTS_TRANSPORT=nats: publishes the outbox to NATS JetStream in position order. A relay runs
 * in every instance, but a round publishes only while it holds the relay lock (an advisory lock
 * that no write takes), so one instance publishes at a time; it goes on from the last position
 * in the stream, so a relay that takes over, or one that restarts after NATS did, neither skips
 * nor repeats (a republish within the duplicate window is stored once, by its Nats-Msg-Id).
 */
@Injectable()
export class NatsRelay implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('NatsRelay');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private closed = false;
  private failing = false;

  constructor(
    private readonly events: LiveEventsRepository,
    private readonly nats: NatsStream,
  ) {}

  onModuleInit(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => (this.running = null));
    }, ms);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    let next = ROUND_MS;
    try {
      const published = await this.events.relay(async () => {
        const last = (await this.nats.lastPublished()) ?? (await this.events.lastSeq()) - BOOTSTRAP;
        const page = await this.events.sinceSeq(Math.max(0, last), ROUND_SIZE);
        await this.nats.publish(page);
        return page.length;
      });
      if (this.failing) this.logger.log('Publishing live events to NATS again');
      this.failing = false;
      if (published === ROUND_SIZE) next = 0;
    } catch (err) {
      // NATS (or the database) is away: say so once, and keep trying.
      if (!this.failing) this.logger.warn({ err }, 'Could not publish live events; retrying');
      this.failing = true;
    }
    this.schedule(next);
  }
}
