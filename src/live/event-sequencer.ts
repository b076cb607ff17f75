import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { LiveEventsRepository } from './live-events.repository';

/** How often each instance runs a sequencing round. */
const ROUND_MS = 50;
/** Events given positions per round at most; a full round runs again at once. */
const ROUND_SIZE = 1_000;

/**
 * Gives written events their positions (LiveEventsRepository.sequence), every ROUND_MS on every
 * instance; only one round runs at a time across instances, and one instance's round serves
 * all. Writes never wait for it: an event waits at most a round, plus the oldest transaction
 * still in flight when it committed, before its streams see it.
 */
@Injectable()
export class EventSequencer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('EventSequencer');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private closed = false;
  private failing = false;

  constructor(private readonly events: LiveEventsRepository) {}

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
      const done = await this.events.sequence(ROUND_SIZE);
      if (this.failing) this.logger.log('Sequencing events again');
      this.failing = false;
      // A full round may have left more behind.
      if (done === ROUND_SIZE) next = 0;
    } catch (err) {
      // The database is away: say so once, and keep trying.
      if (!this.failing) this.logger.warn({ err }, 'Could not sequence events; retrying');
      this.failing = true;
    }
    this.schedule(next);
  }
}
