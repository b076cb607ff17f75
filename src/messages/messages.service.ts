import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../common/auth/roles';
import { idsAfter } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import { LiveEventsWriter } from '../live/live-events.writer';
import type { MessageResponse, ReadMarkerResponse } from './dto/message.dto';

interface MessageRow {
  id: number;
  order_id: number;
  sender_id: number;
  content: string;
  sent_at: Date;
}

const toMessageResponse = (r: MessageRow): MessageResponse => ({
  id: r.id,
  orderId: r.order_id,
  senderId: r.sender_id,
  content: r.content,
  sentAt: r.sent_at.toISOString(),
});

@Injectable()
export class MessagesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly live: LiveEventsWriter,
  ) {}

  /** The thread, oldest first. */
  async list(orderId: number, query: PageQueryDto): Promise<Page<MessageResponse>> {
    const after = idsAfter(query.cursor);
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT id, order_id, sender_id, content, sent_at FROM order_messages
       WHERE order_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [orderId, after, query.limit + 1],
    );
    return Page.fromRows(rows, query.limit, toMessageResponse);
  }

  /**
   * Posts to the thread. The insert is conditional on the order not being CANCELLED, checked
   * in the same statement, so a message never lands on an order cancelled before it. FOR SHARE
   * makes that check wait for a status change in flight and re-read the committed status;
   * without it, a cancellation could commit first and the message after it. The live event is
   * written in the same transaction.
   */
  async post(user: AuthUser, orderId: number, content: string): Promise<MessageResponse> {
    return this.dataSource.transaction(async (tx) => {
      const rows: MessageRow[] = await tx.query(
        `INSERT INTO order_messages (order_id, sender_id, content)
         SELECT id, $2, $3 FROM orders WHERE id = $1 AND status <> 'CANCELLED' FOR SHARE
         RETURNING id, order_id, sender_id, content, sent_at`,
        [orderId, user.id, content],
      );
      if (rows.length === 0) {
        throw new ConflictException(
          'This order is CANCELLED; its thread no longer takes messages.',
        );
      }
      const message = toMessageResponse(rows[0]);
      await this.live.record('message.created', { orderId }, message, tx);
      return message;
    });
  }

  /**
   * Marks the thread read for the caller up to its newest message. The marker only moves
   * forward, so an older concurrent request cannot undo a newer one.
   */
  async markRead(user: AuthUser, orderId: number): Promise<ReadMarkerResponse> {
    const rows: { last_read_message_id: number }[] = await this.dataSource.query(
      `INSERT INTO order_message_reads AS r (order_id, user_id, last_read_message_id)
       SELECT $1, $2, COALESCE(max(id), 0) FROM order_messages WHERE order_id = $1
       ON CONFLICT (order_id, user_id) DO UPDATE
         SET last_read_message_id = GREATEST(r.last_read_message_id, EXCLUDED.last_read_message_id)
       RETURNING last_read_message_id`,
      [orderId, user.id],
    );
    return { orderId, lastReadMessageId: rows[0].last_read_message_id, unreadCount: 0 };
  }
}
