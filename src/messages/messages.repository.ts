import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';

/** A message of an order's thread. */
export interface MessageRecord {
  id: number;
  orderId: number;
  senderId: number;
  content: string;
  sentAt: Date;
}

interface MessageRow {
  id: number;
  order_id: number;
  sender_id: number;
  content: string;
  sent_at: Date;
}

const toRecord = (r: MessageRow): MessageRecord => ({
  id: r.id,
  orderId: r.order_id,
  senderId: r.sender_id,
  content: r.content,
  sentAt: r.sent_at,
});

/** Every query of order threads and their read markers. */
@Injectable()
export class MessagesRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The thread oldest first, after the message `afterId`. */
  async thread(orderId: number, afterId: number, limit: number): Promise<MessageRecord[]> {
    const rows: MessageRow[] = await this.db.tx.query(
      `SELECT id, order_id, sender_id, content, sent_at FROM order_messages
       WHERE order_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [orderId, afterId, limit],
    );
    return rows.map(toRecord);
  }

  /**
   * Adds a message unless the order is CANCELLED, checked in the same statement, so a message
   * never lands on an order cancelled before it. The lock makes that check wait for a status
   * change in flight and re-read the committed status; without it, a cancellation could commit
   * first and the message after it. It is the lock the unread-count trigger takes on the order
   * anyway (FOR NO KEY UPDATE): taking FOR SHARE here and upgrading it there would let two
   * messages posted at once deadlock. Null when the order is CANCELLED.
   */
  async addUnlessCancelled(
    orderId: number,
    senderId: number,
    content: string,
  ): Promise<MessageRecord | null> {
    const rows: MessageRow[] = await this.db.tx.query(
      `INSERT INTO order_messages (order_id, sender_id, content)
       SELECT id, $2, $3 FROM orders WHERE id = $1 AND status <> 'CANCELLED' FOR NO KEY UPDATE
       RETURNING id, order_id, sender_id, content, sent_at`,
      [orderId, senderId, content],
    );
    return rows.length ? toRecord(rows[0]) : null;
  }

  /**
   * Moves the user's read marker to the newest message. It only moves forward, so an older
   * concurrent request cannot undo a newer one. Returns the marker.
   */
  async markRead(orderId: number, userId: number): Promise<number> {
    const rows: { last_read_message_id: number }[] = await this.db.tx.query(
      `INSERT INTO order_message_reads AS r (order_id, user_id, last_read_message_id)
       SELECT $1, $2, COALESCE(max(id), 0) FROM order_messages WHERE order_id = $1
       ON CONFLICT (order_id, user_id) DO UPDATE
         SET last_read_message_id = GREATEST(r.last_read_message_id, EXCLUDED.last_read_message_id)
       RETURNING last_read_message_id`,
      [orderId, userId],
    );
    return rows[0].last_read_message_id;
  }
}
