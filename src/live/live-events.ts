/** The events the live streams carry. */
export const LIVE_EVENT_TYPES = [
  'message.created',
  'order.status_changed',
  'dispute.message_created',
  'dispute.resolved',
] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

/** The PostgreSQL channel every instance LISTENs on. */
export const LIVE_CHANNEL = 'echo_thread_events';

/** The application_name of each instance's LISTEN connection, as pg_stat_activity shows it. */
export const LISTENER_APPLICATION_NAME = 'echo-live-events';

/**
 * The first key of the advisory lock an event's transaction takes on its order (the second key
 * is the order's id) just before the event row gets its id, held until commit: the events of one
 * order get their ids in commit order. Writes to different orders never wait for each other.
 */
export const EVENT_THREAD_LOCK = 7_347_761;

/**
 * The advisory lock a sequencing round takes (never a write): one round at a time, on any
 * instance, hands out the events' public positions (`seq`).
 */
export const SEQUENCER_LOCK = 7_347_762;

/** The advisory lock a relay round takes (EVENTS_TRANSPORT=nats): one publisher at a time. */
export const RELAY_LOCK = 7_347_763;

/** One stored event, as the streams deliver it. */
export interface LiveEvent {
  /** Its position in the log (`seq`): what a client resumes after (Last-Event-ID). */
  id: number;
  type: LiveEventType;
  orderId: number;
  disputeId: number | null;
  buyerId: number;
  sellerId: number;
  payload: unknown;
}

/** What a stream follows: one order's thread, one dispute's thread, or everything of a user. */
export type StreamScope =
  { kind: 'order'; id: number } | { kind: 'dispute'; id: number } | { kind: 'user'; id: number };

export const scopeKey = (s: StreamScope): string => `${s.kind}:${s.id}`;

/** The streams an event belongs to. Dispute events stay out of the order's own stream. */
export function keysOf(e: Pick<LiveEvent, 'orderId' | 'disputeId' | 'buyerId' | 'sellerId'>) {
  const keys = [
    e.disputeId === null ? `order:${e.orderId}` : `dispute:${e.disputeId}`,
    `user:${e.buyerId}`,
  ];
  if (e.sellerId !== e.buyerId) keys.push(`user:${e.sellerId}`);
  return keys;
}
