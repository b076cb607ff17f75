import { Injectable } from '@nestjs/common';
import { AccessService } from '../common/access/access.service';
import { UnitOfWork } from '../database/transaction-host';
import type { AuthUser } from '../common/auth/roles';
import { fromCents, toCents } from '../common/money';
import { idsAfter, idsBefore } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import { LiveEventsWriter } from '../live/live-events.writer';
import { PaymentsService } from '../payments/payments.service';
import { DISPUTE_OPENERS } from './dispute.access';
import { DisputeErrors, disputeNotFound } from './dispute.errors';
import { toDisputeMessageResponse, toDisputeResponse } from './dispute.mapper';
import { DisputesRepository, type DisputeRecord, type ResolveResult } from './disputes.repository';
import type {
  CreateDisputeDto,
  DisputeMessageResponse,
  DisputeResponse,
  DisputeWithMessagesResponse,
  ResolveDisputeDto,
} from './dto/dispute.dto';
import { CancellationExpiryJob } from '../cancellation-requests/cancellation-expiry.job';
import { CancellationRequestsRepository } from '../cancellation-requests/cancellation-requests.repository';
import { AutoCompleteJob } from '../deliveries/auto-complete.job';
import { OrdersRepository } from '../orders/orders.repository';
import { OrdersService } from '../orders/orders.service';
import { EarningsService } from '../earnings/earnings.service';

@Injectable()
export class DisputesService {
  constructor(
    private readonly disputes: DisputesRepository,
    private readonly payments: PaymentsService,
    private readonly live: LiveEventsWriter,
    private readonly uow: UnitOfWork,
    private readonly access: AccessService,
    private readonly orders: OrdersRepository,
    private readonly orderChanges: OrdersService,
    private readonly autoComplete: AutoCompleteJob,
    private readonly cancellationExpiry: CancellationExpiryJob,
    private readonly cancellations: CancellationRequestsRepository,
    private readonly earnings: EarningsService,
  ) {}

  /**
   * Opens a dispute for a party of the order; one OPEN dispute per order. The order is named in
   * the body, so its access rule is asked here rather than on the route. An order's parties
   * never change, so the check cannot go stale before the insert. The seller's earnings on the
   * order are HELD from the same commit.
   */
  async open(user: AuthUser, dto: CreateDisputeDto): Promise<DisputeResponse> {
    await this.access.requireParty(user, DISPUTE_OPENERS, [dto.orderId], false);
    return this.uow.run(async () => {
      const opened = await this.disputes.open(dto.orderId, user.id, dto.reason);
      if (!opened.ok) {
        throw DisputeErrors.DISPUTE_ALREADY_OPEN(
          'This order already has an OPEN dispute; continue in its thread.',
        );
      }
      await this.earnings.follow(dto.orderId);
      return toDisputeResponse(opened.dispute);
    });
  }

  /** One dispute with its thread, oldest message first. */
  async get(disputeId: number): Promise<DisputeWithMessagesResponse> {
    const [dispute, messages] = await Promise.all([
      this.disputes.findById(disputeId),
      this.disputes.messagesOf(disputeId),
    ]);
    if (!dispute) throw disputeNotFound(disputeId);
    return withThread(dispute, messages.map(toDisputeMessageResponse));
  }

  /** The order's OPEN dispute, or else its newest one. */
  async forOrder(orderId: number): Promise<DisputeWithMessagesResponse> {
    const dispute = await this.disputes.findCurrentForOrder(orderId);
    if (!dispute) throw DisputeErrors.DISPUTE_NONE_FOR_ORDER(`Order ${orderId} has no dispute.`);
    const messages = await this.disputes.messagesOf(dispute.id);
    return withThread(dispute, messages.map(toDisputeMessageResponse));
  }

  /** Disputes on the caller's orders, either side, newest first. */
  async mine(user: AuthUser, query: PageQueryDto): Promise<Page<DisputeResponse>> {
    const rows = await this.disputes.mine(user.id, idsBefore(query.cursor), query.limit + 1);
    return Page.fromRows(rows, query.limit, toDisputeResponse);
  }

  /** The admin queue: OPEN disputes, oldest (longest waiting) first. */
  async openQueue(query: PageQueryDto): Promise<Page<DisputeResponse>> {
    const rows = await this.disputes.openQueue(idsAfter(query.cursor), query.limit + 1);
    return Page.fromRows(rows, query.limit, toDisputeResponse);
  }

  /** Every dispute, newest first (ADMIN). */
  async all(query: PageQueryDto): Promise<Page<DisputeResponse>> {
    const rows = await this.disputes.all(idsBefore(query.cursor), query.limit + 1);
    return Page.fromRows(rows, query.limit, toDisputeResponse);
  }

  /** Adds to the thread while the dispute is OPEN; the message and its live event commit together. */
  async postMessage(
    user: AuthUser,
    disputeId: number,
    message: string,
  ): Promise<DisputeMessageResponse> {
    return this.uow.run(async () => {
      const added = await this.disputes.addMessage(disputeId, user.id, message);
      if (!added.ok) {
        throw DisputeErrors.DISPUTE_THREAD_CLOSED(
          'This dispute is CLOSED; its thread no longer takes messages.',
        );
      }
      const created = toDisputeMessageResponse(added.message);
      const ref = { orderId: added.orderId, disputeId };
      await this.live.record('dispute.message_created', ref, created);
      return created;
    });
  }

  /**
   * Closes the dispute with the admin's resolution (only while OPEN, so a second resolve is a
   * 409). A refund is recorded in the same transaction, and anything wrong with it rolls the
   * close back.
   */
  async resolve(
    user: AuthUser,
    disputeId: number,
    dto: ResolveDisputeDto,
  ): Promise<DisputeResponse> {
    return this.uow.run(async () => {
      const closed = await this.disputes.resolve(disputeId, dto.resolution);
      if (!closed.ok) throw RESOLVE_REFUSED[closed.reason](disputeId);
      // null, like an omitted refundAmount, means no refund (the DTO lets both through).
      if (dto.refundAmount != null) await this.refund(closed.dispute, toCents(dto.refundAmount));
      const orderId = closed.dispute.orderId;
      // The admin's status change, judged by the order's process, in this transaction.
      if (dto.orderOutcome) await this.orderChanges.changeStatus(user, orderId, dto.orderOutcome);
      await this.afterClose(orderId);
      const resolved = toDisputeResponse(closed.dispute);
      const ref = { orderId: resolved.orderId, disputeId: resolved.id };
      await this.live.record('dispute.resolved', ref, resolved);
      return resolved;
    });
  }

  /**
   * What follows a dispute's closing, in its transaction. The seller's earnings follow the order
   * again (released when no other dispute holds them). With no dispute left OPEN, the order's
   * clock runs again: the trigger has moved its deadlines on by the pause, and their timers are
   * sent for the new times (the ones sent before do nothing when they come: no longer due).
   */
  async afterClose(orderId: number): Promise<void> {
    await this.earnings.follow(orderId);
    const order = await this.orders.findView(orderId);
    if (!order || order.hasOpenDispute) return;
    if (order.status === 'DELIVERED' && order.autoCompleteAt) {
      await this.autoComplete.schedule(orderId, order.autoCompleteAt);
    }
    const pending = await this.cancellations.pending(orderId);
    if (pending) await this.cancellationExpiry.schedule(pending.id, pending.respondBy);
  }

  /** A refusal throws, which rolls the resolve back. */
  private async refund(dispute: DisputeRecord, cents: number): Promise<void> {
    const refunded = await this.payments.refund(dispute.orderId, cents);
    if (refunded.ok) return;
    if (refunded.reason === 'NO_PAYMENT') {
      throw DisputeErrors.DISPUTE_REFUND_WITHOUT_PAYMENT(
        `Order ${dispute.orderId} has no recorded payment to refund.`,
      );
    }
    throw DisputeErrors.DISPUTE_REFUND_EXCEEDS_PAYMENTS(
      `refundAmount is more than what is left to refund on this payment (${fromCents(refunded.leftCents)}).`,
    );
  }
}

const RESOLVE_REFUSED: Record<
  Extract<ResolveResult, { ok: false }>['reason'],
  (id: number) => Error
> = {
  NOT_FOUND: disputeNotFound,
  NOT_OPEN: () => DisputeErrors.DISPUTE_NOT_OPEN('This dispute is already CLOSED.'),
  DECIDED_AT_STRIPE: () =>
    DisputeErrors.DISPUTE_DECIDED_AT_STRIPE(
      'This is a CHARGEBACK: Stripe decides it, and it closes when Stripe reports the outcome.',
    ),
};

const withThread = (
  dispute: DisputeRecord,
  messages: DisputeMessageResponse[],
): DisputeWithMessagesResponse => ({ ...toDisputeResponse(dispute), messages });
