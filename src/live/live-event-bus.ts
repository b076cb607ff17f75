import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Client, Notification } from 'pg';
import type { EnvironmentVariables } from '../config/env.validation';
import { keysOf, scopeKey, type LiveEvent, type StreamScope } from './live-events';
import { LiveEventsRepository } from './live-events.repository';

export interface Subscriber {
  scope: StreamScope;
  deliver(event: LiveEvent): void;
  /** The bus lost its LISTEN connection: events may have been missed, the stream must end. */
  interrupt(): void;
}

/**
 * One LISTEN connection per instance. Notifications carry ids; when a local stream follows one
 * of the event's scopes, the events are fetched in one query per burst and handed to it. With
 * no local subscriber an event costs nothing but the notification.
 *
 * A LISTEN connection only receives, so a database that goes silent (a partition, a hung server)
 * would leave it open and deaf without any error. It is therefore checked with a query every
 * DB_LISTEN_CHECK_MS; one that does not answer within as long again is cut and counts as lost.
 */
@Injectable()
export class LiveEventBus implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LiveEventBus');
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private listener: Client | null = null;
  private pending = new Set<number>();
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly checkMs: number;
  private checker: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly events: LiveEventsRepository,
    config: ConfigService<EnvironmentVariables, true>,
  ) {
    this.checkMs = config.get('DB_LISTEN_CHECK_MS', { infer: true });
  }

  async onModuleInit(): Promise<void> {
    await this.listen();
    this.checker = setInterval(() => void this.check(), this.checkMs);
    this.checker.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.checker);
    for (const set of this.subscribers.values()) for (const s of set) s.interrupt();
    this.subscribers.clear();
    const listener = this.listener;
    this.listener = null;
    if (listener) await this.events.close(listener, this.checkMs);
  }

  subscribe(subscriber: Subscriber): () => void {
    // Without a LISTEN connection (reconnecting after a database outage) the stream would stay
    // open and silently miss events: end it at once, so that its client retries.
    if (!this.listener) queueMicrotask(() => subscriber.interrupt());
    const key = scopeKey(subscriber.scope);
    let set = this.subscribers.get(key);
    if (!set) this.subscribers.set(key, (set = new Set()));
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(key) === set) this.subscribers.delete(key);
    };
  }

  /** Open streams on this instance (for metrics and tests). */
  subscriberCount(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
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
  }

  /**
   * A lost LISTEN connection may have dropped notifications, so every open stream is ended:
   * clients reconnect with Last-Event-ID and get what they missed from the database.
   */
  private onListenerLost(err: Error): void {
    if (this.closed) return;
    this.logger.warn({ err }, 'LISTEN connection lost; ending open streams and reconnecting');
    for (const set of this.subscribers.values()) for (const s of set) s.interrupt();
    this.listener = null;
    const retry = (delay: number) =>
      setTimeout(() => {
        if (this.closed) return;
        // Capped at a second, so live events flow again within about a second of the database.
        this.listen().catch(() => retry(Math.min(delay * 2, 1_000)));
      }, delay).unref();
    retry(200);
  }

  private onNotification(n: Notification): void {
    const [id, orderId, disputeId, buyerId, sellerId] = (n.payload ?? '').split(':').map(Number);
    if (!id) return;
    const keys = keysOf({ orderId, disputeId: disputeId || null, buyerId, sellerId });
    if (!keys.some((k) => this.subscribers.has(k))) return;
    this.pending.add(id);
    this.flushing ??= Promise.resolve().then(() => this.flush());
  }

  private async flush(): Promise<void> {
    while (this.pending.size) {
      const ids = [...this.pending];
      this.pending.clear();
      try {
        for (const event of await this.events.byIds(ids)) {
          for (const key of keysOf(event)) {
            for (const s of this.subscribers.get(key) ?? []) s.deliver(event);
          }
        }
      } catch (err) {
        this.logger.error({ err }, 'Could not fetch notified events; ending open streams');
        for (const set of this.subscribers.values()) for (const s of set) s.interrupt();
      }
    }
    this.flushing = null;
  }
}
