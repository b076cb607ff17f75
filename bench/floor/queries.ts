import { fromCents } from '../../src/common/money';
import { EVENT_THREAD_LOCK } from '../../src/live/live-events';

/**
 * The floor's SQL: the same statements the service sends for these two routes, written out.
 * The benchmark compares them with what the service's own classes send (bench/service-sql.ts)
 * before it measures anything, so they cannot drift apart unnoticed.
 */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * AccountStatus.current(id): the token's account must be active and on the token's session
 * version; its roles are taken from it.
 */
const CURRENT_ACCOUNT = 'SELECT roles, session_version FROM users WHERE id = $1 AND is_active';

/** The access check of the order routes (AccessService.requireParty with ORDER_PARTIES). */
const ORDER_PARTIES = `SELECT r.id, r.buyer_id AS first_party, r.seller_id AS second_party
  FROM orders r WHERE r.id = ANY($1::int[])`;

/**
 * OrdersRepository.findView(id, viewer): the order with its open-dispute flag and the viewer's
 * unread count, both kept on the row; a viewer who is not a party has theirs counted.
 */
const ORDER_FOR_VIEWER = `SELECT o.id, o.buyer_id, o.seller_id,
  o.item_id, o.final_price_cents, o.status, o.created_at, o.updated_at, o.has_open_dispute,
  o.process, o.due_at, o.revisions_left, o.delivered_at,
  CASE WHEN o.has_open_dispute THEN NULL ELSE o.auto_complete_at END AS auto_complete_at,
  (o.due_at IS NOT NULL AND o.delivered_at IS NULL
  AND o.status IN ('PENDING', 'IN_PROGRESS') AND o.due_at < now()) AS is_late,
  CASE $2::int WHEN o.buyer_id THEN o.buyer_unread
          WHEN o.seller_id THEN o.seller_unread
          ELSE (SELECT count(*) FROM order_messages m
                WHERE m.order_id = o.id AND m.sender_id <> $2
                  AND m.id > COALESCE((SELECT r.last_read_message_id FROM order_message_reads r
                                       WHERE r.order_id = o.id AND r.user_id = $2), 0))::int
        END AS unread_count FROM orders o WHERE o.id = $1`;

/**
 * MessagesService.post: the insert, conditional on the order not being CANCELLED (the order
 * locked: a status change in flight is waited for).
 */
const INSERT_MESSAGE = `INSERT INTO order_messages (order_id, sender_id, content)
  SELECT id, $2, $3 FROM orders WHERE id = $1 AND status <> 'CANCELLED' FOR NO KEY UPDATE
  RETURNING id, order_id, sender_id, content, sent_at`;

/** LiveEventsWriter.record: the event row under its order's lock (it gets a position later). */
const RECORD_EVENT = `WITH locked AS (SELECT pg_advisory_xact_lock($5, $2))
  INSERT INTO thread_events (type, order_id, dispute_id, buyer_id, seller_id, payload)
  SELECT $1, o.id, $3, o.buyer_id, o.seller_id, $4::json FROM orders o, locked
  WHERE o.id = $2`;

export const floorStatements = {
  account: (userId: number): Statement => ({ sql: CURRENT_ACCOUNT, params: [userId] }),
  orderParties: (orderId: number): Statement => ({ sql: ORDER_PARTIES, params: [[orderId]] }),
  order: (orderId: number, viewerId: number): Statement => ({
    sql: ORDER_FOR_VIEWER,
    params: [orderId, viewerId],
  }),
  insertMessage: (orderId: number, senderId: number, content: string): Statement => ({
    sql: INSERT_MESSAGE,
    params: [orderId, senderId, content],
  }),
  recordMessageEvent: (orderId: number, message: MessageJson): Statement => ({
    sql: RECORD_EVENT,
    params: ['message.created', orderId, null, JSON.stringify(message), EVENT_THREAD_LOCK],
  }),
};

export interface OrderRow {
  id: number;
  buyer_id: number;
  seller_id: number;
  item_id: number;
  final_price_cents: number;
  status: string;
  has_open_dispute: boolean;
  unread_count: number;
  process: string;
  due_at: Date | null;
  is_late: boolean;
  revisions_left: number;
  delivered_at: Date | null;
  auto_complete_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface MessageRow {
  id: number;
  order_id: number;
  sender_id: number;
  content: string;
  sent_at: Date;
}

/** The service's OrderResponse, field for field and in the same order. */
export const orderJson = (r: OrderRow) => ({
  id: r.id,
  buyerId: r.buyer_id,
  sellerId: r.seller_id,
  itemId: r.item_id,
  finalPrice: fromCents(r.final_price_cents),
  status: r.status,
  hasOpenDispute: r.has_open_dispute,
  unreadCount: r.unread_count,
  process: r.process,
  dueAt: r.due_at?.toISOString() ?? null,
  isLate: r.is_late,
  revisionsLeft: r.revisions_left,
  deliveredAt: r.delivered_at?.toISOString() ?? null,
  autoCompleteAt: r.auto_complete_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The service's MessageResponse. */
export const messageJson = (r: MessageRow) => ({
  id: r.id,
  orderId: r.order_id,
  senderId: r.sender_id,
  content: r.content,
  sentAt: r.sent_at.toISOString(),
});
export type MessageJson = ReturnType<typeof messageJson>;
