import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { LiveEventsRepository } from './live-events.repository';
import { NatsStream } from './nats-stream';
import { Rounds } from './rounds';

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
  private readonly rounds: Rounds;

  constructor(events: LiveEventsRepository, nats: NatsStream) {
    this.rounds = new Rounds(
      new Logger('NatsRelay'),
      'Publishing live events to NATS',
      ROUND_MS,
      async () => {
        const published = await events.relay(async () => {
          const last = (await nats.lastPublished()) ?? (await events.lastSeq()) - BOOTSTRAP;
          const page = await events.sinceSeq(Math.max(0, last), ROUND_SIZE);
          await nats.publish(page);
          return page.length;
        });
        return published === ROUND_SIZE;
      },
    );
  }

  onModuleInit(): void {
    this.rounds.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.rounds.stop();
  }
}
