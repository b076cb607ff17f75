import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/roles';
import { idsAfter } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import { UnitOfWork } from '../database/transaction-host';
import { OrdersService } from '../orders/orders.service';
import { CancellationErrors } from './cancellation-request.errors';
import { CancellationExpiryJob } from './cancellation-expiry.job';
import {
  CancellationRequestsRepository,
  type CancellationRequestRecord,
} from './cancellation-requests.repository';
import type { CancellationRequestResponse } from './dto/cancellation-request.dto';

const toResponse = (r: CancellationRequestRecord): CancellationRequestResponse => ({
  id: r.id,
  orderId: r.orderId,
  requestedByUserId: r.requestedByUserId,
  reason: r.reason,
  status: r.status,
  respondBy: r.respondBy.toISOString(),
  createdAt: r.createdAt.toISOString(),
  resolvedAt: r.resolvedAt?.toISOString() ?? null,
});

const notPending = () =>
  CancellationErrors.CANCELLATION_REQUEST_NOT_PENDING(
    'This cancellation request has already been answered or has expired.',
  );

/**
 * Cancellation by consent (PROTECTED orders, once work has started): a party asks, the other
 * accepts (the order is CANCELLED in the same transaction) or declines. Whether the order may
 * be cancelled this way is the order's process's to say (decide, by 'cancellation').
 */
@Injectable()
export class CancellationRequestsService {
  constructor(
    private readonly requests: CancellationRequestsRepository,
    private readonly orderChanges: OrdersService,
    private readonly uow: UnitOfWork,
    private readonly expiry: CancellationExpiryJob,
  ) {}

  async create(
    user: AuthUser,
    orderId: number,
    reason: string,
  ): Promise<CancellationRequestResponse> {
    await this.orderChanges.judge(user, orderId, 'CANCELLED', 'cancellation');
    return this.uow.run(async () => {
      const created = await this.requests.create(orderId, user.id, reason);
      if (!created) {
        throw CancellationErrors.CANCELLATION_REQUEST_ALREADY_PENDING(
          'This order already has a PENDING cancellation request: answer it, or wait until it is answered or expires.',
        );
      }
      await this.expiry.schedule(created.id, created.respondBy);
      return toResponse(created);
    });
  }

  /** The other party agrees: the request is ACCEPTED and the order CANCELLED, together. */
  async accept(
    user: AuthUser,
    orderId: number,
    requestId: number,
  ): Promise<CancellationRequestResponse> {
    return this.uow.run(async () => {
      await this.answerable(user, orderId, requestId);
      const accepted = await this.requests.resolve(requestId, 'ACCEPTED');
      if (!accepted) throw notPending();
      // Judged by the order's process as every change is; a refusal rolls the accept back.
      await this.orderChanges.changeStatus(user, orderId, 'CANCELLED', 'cancellation');
      return toResponse(accepted);
    });
  }

  /** The other party refuses: the order goes on as it was. */
  async decline(
    user: AuthUser,
    orderId: number,
    requestId: number,
  ): Promise<CancellationRequestResponse> {
    await this.answerable(user, orderId, requestId);
    const declined = await this.requests.resolve(requestId, 'DECLINED');
    if (!declined) throw notPending();
    return toResponse(declined);
  }

  async list(orderId: number, query: PageQueryDto): Promise<Page<CancellationRequestResponse>> {
    const rows = await this.requests.list(orderId, idsAfter(query.cursor), query.limit + 1);
    return Page.fromRows(rows, query.limit, toResponse);
  }

  /** A PENDING request of this order, made by the other party. */
  private async answerable(user: AuthUser, orderId: number, requestId: number) {
    const request = await this.requests.find(orderId, requestId);
    if (!request) {
      throw CancellationErrors.CANCELLATION_REQUEST_NOT_FOUND(
        `Order ${orderId} has no cancellation request ${requestId}.`,
      );
    }
    if (request.requestedByUserId === user.id) {
      throw CancellationErrors.CANCELLATION_REQUEST_OWN(
        'You made this request: the other party accepts or declines it.',
      );
    }
    if (request.status !== 'PENDING') throw notPending();
  }
}
