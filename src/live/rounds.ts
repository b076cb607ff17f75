import type { Logger } from '@nestjs/common';

/** After a failed round, the next waits this long, doubling, up to a second. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 1_000;

/**
 * A piece of background work repeated every `everyMs` on this instance: one round at a time,
 * the next one at once when a round says it left work behind. A failing round (the database or
 * NATS away) is reported once, and its recovery once; the rounds go on, backing off to one a
 * second while they fail, so an outage is not met with a new connection every few
 * milliseconds, and the work resumes within about a second of its return.
 */
export class Rounds {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private closed = false;
  private failing = false;
  private retryMs = FIRST_RETRY_MS;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly everyMs: number,
    /** One round; true when it left work behind. */
    private readonly round: () => Promise<boolean>,
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.run().finally(() => (this.running = null));
    }, ms);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    try {
      const more = await this.round();
      if (this.failing) this.logger.log(`${this.what}: working again`);
      this.failing = false;
      this.retryMs = FIRST_RETRY_MS;
      this.schedule(more ? 0 : this.everyMs);
    } catch (err) {
      if (!this.failing) this.logger.warn({ err }, `${this.what} failed; retrying`);
      this.failing = true;
      this.schedule(this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    }
  }
}
