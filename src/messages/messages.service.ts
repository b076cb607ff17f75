import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import type { AuthUser } from '../common/auth/roles';
import { idsAfter } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import { LiveEventsWriter } from '../live/live-events.writer';
import type { MessageResponse, ReadMarkerResponse } from './dto/message.dto';
import { MessageErrors } from './message.errors';
import { MessagesRepository, type MessageRecord } from './messages.repository';

const toMessageResponse = (m: MessageRecord): MessageResponse => ({
  id: m.id,
  orderId: m.orderId,
  senderId: m.senderId,
  content: m.content,
  sentAt: m.sentAt.toISOString(),
});

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly live: LiveEventsWriter,
    private readonly uow: UnitOfWork,
  ) {}

  /** The thread, oldest first. */
  async list(orderId: number, query: PageQueryDto): Promise<Page<MessageResponse>> {
    const rows = await this.messages.thread(orderId, idsAfter(query.cursor), query.limit + 1);
    return Page.fromRows(rows, query.limit, toMessageResponse);
  }

  /** Posts to the thread of an order that is not CANCELLED; the live event commits with it. */
  async post(user: AuthUser, orderId: number, content: string): Promise<MessageResponse> {
    return this.uow.run(async () => {
      const added = await this.messages.addUnlessCancelled(orderId, user.id, content);
      if (!added) {
        throw MessageErrors.ORDER_THREAD_CLOSED(
          'This order is CANCELLED; its thread no longer takes messages.',
        );
      }
      const message = toMessageResponse(added);
      await this.live.record('message.created', { orderId }, message);
      return message;
    });
  }

  /** Marks the thread read for the caller up to its newest message. */
  async markRead(user: AuthUser, orderId: number): Promise<ReadMarkerResponse> {
    const lastReadMessageId = await this.messages.markRead(orderId, user.id);
    return { orderId, lastReadMessageId, unreadCount: 0 };
  }
}
