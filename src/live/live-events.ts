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
 * Advisory lock key taken just before an event row gets its id and held until commit, so event
 * ids are handed out in commit order across all instances: a reader that has seen id N can
 * never later find a committed event below N.
 */
export const EVENT_ORDER_LOCK = 7_347_761;

/** One stored event, as the streams deliver it. */
export interface LiveEvent {
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
