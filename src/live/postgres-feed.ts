import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Client, Notification } from 'pg';
import type { EnvironmentVariables } from '../config/env.validation';
import type { EventFeed, FeedSink } from './event-feed';
import { LiveEventsRepository } from './live-events.repository';

/**
 * EVENTS_TRANSPORT=postgres: one LISTEN connection per instance, which the sequencing rounds
 * notify with the last position they handed out. A NOTIFY is sent only by a sequencing round,
 * in its own transaction, never by a write.
 *
 * A LISTEN connection only receives, so a database that goes silent (a partition, a hung server)
 * would leave it open and deaf without any error. It is therefore checked with a query every
 * DB_LISTEN_CHECK_MS; one that does not answer within as long again is cut and counts as lost.
 */
@Injectable()
export class PostgresFeed implements EventFeed {
  private readonly logger = new Logger('LiveEventBus');
  private readonly checkMs: number;
  private listener: Client | null = null;
  private sink: FeedSink | null = null;
  private checker: NodeJS.Timeout | undefined;
  private checking = false;
  private closed = false;

  constructor(
    private readonly events: LiveEventsRepository,
    config: ConfigService<EnvironmentVariables, true>,
  ) {
    this.checkMs = config.get('DB_LISTEN_CHECK_MS', { infer: true });
  }

  get up(): boolean {
    return this.listener !== null;
  }

  async start(sink: FeedSink): Promise<void> {
    this.sink = sink;
    await this.listen();
    this.checker = setInterval(() => void this.check(), this.checkMs);
    this.checker.unref();
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.checker);
    const listener = this.listener;
    this.listener = null;
    if (listener) await this.events.close(listener, this.checkMs);
  }

  /** A failed check cuts the connection; its loss is then handled like any other. */
  private async check(): Promise<void> {
    const listener = this.listener;
    if (!listener || this.checking || this.closed) return;
    this.checking = true;
    try {
      await this.events.check(listener, this.checkMs);
    } finally {
      this.checking = false;
    }
  }

  private async listen(): Promise<void> {
    const client = await this.events.listen(
      (n) => this.onNotification(n),
      // A failed attempt is not the listener: only the current listener's loss starts one
      // reconnect, else every outage would multiply the LISTEN connections.
      (lost, err) => {
        if (this.listener === lost) this.onListenerLost(err);
      },
    );
    // The application shut down while this reconnect was under way.
    if (this.closed) return this.events.close(client, this.checkMs);
    this.listener = client;
    try {
      await this.sink?.ready();
    } catch (err) {
      // The database went again before the bus could resume: this listener is lost too (unless
      // its loss was reported already), and is cut rather than left beside the next one.
      if (this.listener !== client) return;
      this.listener = null;
      await this.events.close(client, this.checkMs);
      this.onListenerLost(err as Error);
    }
  }

  /**
   * A lost LISTEN connection may have dropped notifications, so every open stream is ended:
   * clients reconnect with Last-Event-ID and get what they missed from the database.
   */
  private onListenerLost(err: Error): void {
    if (this.closed) return;
    // (Also called for a listener that was just cut: `listener` is null then.)
    this.logger.warn({ err }, 'LISTEN connection lost; ending open streams and reconnecting');
    this.listener = null;
    this.sink?.lost();
    const retry = (delay: number) =>
      setTimeout(() => {
        if (this.closed) return;
        // Capped at a second, so live events flow again within about a second of the database.
        this.listen().catch(() => retry(Math.min(delay * 2, 1_000)));
      }, delay).unref();
    retry(200);
  }

  private onNotification(n: Notification): void {
    const last = Number(n.payload);
    if (Number.isSafeInteger(last) && last > 0) this.sink?.advanceTo(last);
  }
}
