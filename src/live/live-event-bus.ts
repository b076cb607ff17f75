import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EVENT_FEED, type EventFeed, type FeedSink } from './event-feed';
import { keysOf, scopeKey, type LiveEvent, type StreamScope } from './live-events';
import { LiveEventsRepository, type Followed } from './live-events.repository';

/** Events fetched per query when a window of positions is delivered. */
const WINDOW_PAGE = 500;

export interface Subscriber {
  scope: StreamScope;
  deliver(event: LiveEvent): void;
  /** The bus lost its feed: events may have been missed, the stream must end. */
  interrupt(): void;
}

/**
 * The open streams of this instance, and what feeds them (EventFeed: LISTEN or NATS). A feed
 * that carries positions only has the bus fetch, in one query per burst, the events up to them
 * that local streams follow; one that carries events has them handed over directly. Either way
 * each stream gets each event once, in position order. With no local subscriber an event costs
 * the instance nothing but the feed's message.
 */
@Injectable()
export class LiveEventBus implements OnModuleInit, OnModuleDestroy, FeedSink {
  private readonly logger = new Logger('LiveEventBus');
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  /** The last position delivered (or passed over, with nobody following it) here. */
  private delivered = 0;
  /** The last position known to be in the outbox. */
  private notified = 0;
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly events: LiveEventsRepository,
    @Inject(EVENT_FEED) private readonly feed: EventFeed,
  ) {}

  onModuleInit(): Promise<void> {
    return this.feed.start(this);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.interruptAll();
    this.subscribers.clear();
    await this.feed.stop();
  }

  subscribe(subscriber: Subscriber): () => void {
    // Without its feed (reconnecting after an outage) the stream would stay open and silently
    // miss events: end it at once, so that its client retries.
    if (!this.feed.up) queueMicrotask(() => subscriber.interrupt());
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

  async ready(): Promise<void> {
    // Positions before this one are the replays' (Last-Event-ID); live delivery starts here.
    const last = await this.events.lastSeq();
    this.delivered = Math.max(this.delivered, last);
    this.notified = Math.max(this.notified, last);
  }

  lost(): void {
    if (!this.closed) this.interruptAll();
  }

  advanceTo(seq: number): void {
    if (seq <= this.notified) return;
    this.notified = seq;
    this.flushing ??= Promise.resolve().then(() => this.flush());
  }

  deliver(events: LiveEvent[]): void {
    for (const event of events) {
      if (event.id <= this.delivered) continue;
      this.delivered = this.notified = event.id;
      this.hand(event);
    }
  }

  private hand(event: LiveEvent): void {
    for (const key of keysOf(event)) {
      for (const s of this.subscribers.get(key) ?? []) s.deliver(event);
    }
  }

  private interruptAll(): void {
    for (const set of this.subscribers.values()) for (const s of set) s.interrupt();
  }

  /** The scopes this instance's streams follow. */
  private followed(): Followed {
    const followed: Followed = { orderIds: [], disputeIds: [], userIds: [] };
    for (const key of this.subscribers.keys()) {
      const [kind, id] = key.split(':');
      const ids =
        kind === 'order'
          ? followed.orderIds
          : kind === 'dispute'
            ? followed.disputeIds
            : followed.userIds;
      ids.push(Number(id));
    }
    return followed;
  }

  /** Delivers the positions notified since the last flush, in order, page by page. */
  private async flush(): Promise<void> {
    while (this.delivered < this.notified) {
      const to = this.notified;
      if (this.subscribers.size === 0) {
        this.delivered = to;
        continue;
      }
      try {
        const page = await this.events.window(this.delivered, to, this.followed(), WINDOW_PAGE);
        page.forEach((event) => this.hand(event));
        this.delivered = page.length === WINDOW_PAGE ? page[page.length - 1].id : to;
      } catch (err) {
        this.logger.error({ err }, 'Could not fetch notified events; ending open streams');
        this.interruptAll();
        this.delivered = to;
      }
    }
    this.flushing = null;
  }
}
