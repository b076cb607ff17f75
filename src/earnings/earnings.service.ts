import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/roles';
import { MARKETPLACE_CURRENCY } from '../common/money';
import { idsBefore } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import { JobsService } from '../jobs/jobs.service';
import { StripeGateway } from '../stripe/stripe.gateway';
import type { EarningsResponse, LedgerEntryResponse } from './dto/earnings.dto';
import { CLEARANCE, REFUND_EXECUTION } from './earnings.queues';
import { entryState, splitPayment, splitReturn } from './earnings-process';
import { toEarningsResponse, toLedgerEntryResponse } from './earnings.mapper';
import { EarningsRepository } from './earnings.repository';

/** A payment just recorded, as the ledger needs it. */
export interface RecordedPayment {
  id: number;
  orderId: number;
  totalAmountCents: number;
  platformFeeCents: number;
  currency: string;
}

/** Where money going back to the buyer comes from. */
export type ReturnSource =
  /** An admin's dispute resolution: ECHO makes the refund at Stripe (or an operator does). */
  | 'DECIDED_REFUND'
  /** Stripe's charge.refunded: the refund was made at Stripe already. */
  | 'STRIPE_REFUND'
  /** A chargeback lost at Stripe. */
  | 'CHARGEBACK';

/**
 * The earnings ledger. Every method that writes runs in the caller's unit of work, with the
 * change it accounts for: the payment, the refund, the order's new status or hold.
 */
@Injectable()
export class EarningsService {
  constructor(
    private readonly ledger: EarningsRepository,
    private readonly jobs: JobsService,
    private readonly stripe: StripeGateway,
  ) {}

  /** Splits a payment just recorded into the seller's earning and ECHO's fee. */
  async recordEarning(payment: RecordedPayment): Promise<void> {
    const split = splitPayment(payment.totalAmountCents, payment.platformFeeCents);
    await this.ledger.append({
      orderId: payment.orderId,
      paymentId: payment.id,
      sellerId: await this.ledger.sellerOf(payment.orderId),
      type: 'EARNING',
      amountCents: split.sellerCents,
      platformFeeCents: split.platformFeeCents,
      currency: payment.currency,
      execution: null,
    });
    await this.follow(payment.orderId);
  }

  /**
   * Brings the ledger in line with what went back to the buyer on the order's payment, after
   * that was raised in this unit of work: one entry for the difference, split by splitReturn.
   * Nothing when the ledger already accounts for it (a Stripe refund reporting the refund an
   * admin decided, a replay). A decided refund is made at Stripe by a job when ECHO has a key.
   */
  async recordReturn(orderId: number, source: ReturnSource): Promise<void> {
    const r = await this.ledger.returnsOf(orderId);
    if (!r || r.returnedCents <= r.bookedCents) return;
    const split = splitReturn(
      { totalCents: r.totalCents, feeCents: r.feeCents },
      r.bookedCents,
      r.returnedCents,
    );
    const executed = source === 'DECIDED_REFUND';
    const execution = !executed ? null : this.stripe.configured ? 'PENDING' : 'MANUAL';
    const entryId = await this.ledger.append({
      orderId,
      paymentId: r.paymentId,
      sellerId: r.sellerId,
      type: source === 'CHARGEBACK' ? 'CHARGEBACK' : 'REFUND',
      amountCents: split.sellerCents,
      platformFeeCents: split.platformFeeCents,
      currency: r.currency,
      execution,
    });
    if (execution === 'PENDING') {
      await this.jobs.sendAt(REFUND_EXECUTION, { entryId }, new Date());
    }
    await this.follow(orderId);
  }

  /**
   * Stripe's charge.refunded, after the payment took its refunded total: books what the ledger
   * does not hold yet, and marks the MANUAL refunds that total now covers as made (an operator
   * made them at Stripe). `stripeRefundedCents` is null when Stripe's total could not be taken
   * (another currency).
   */
  async recordStripeRefund(orderId: number, stripeRefundedCents: number | null): Promise<void> {
    await this.recordReturn(orderId, 'STRIPE_REFUND');
    if (stripeRefundedCents !== null) {
      await this.ledger.settleManualRefunds(orderId, stripeRefundedCents);
    }
  }

  /**
   * Applies the order's status and holds to its entries that no payout covers (entryState). The
   * order is read locked, so a concurrent change of it waits for this or is seen by it. When the
   * entries start clearing, a durable job looks again when they are due.
   */
  async follow(orderId: number): Promise<void> {
    const facts = await this.ledger.orderFacts(orderId);
    if (!facts || facts.unpaid === 0) return;
    const completed = facts.status === 'COMPLETED';
    const availableAt = completed ? (facts.availableAt ?? facts.clearsAt) : null;
    const state = entryState(
      { orderStatus: facts.status, onHold: facts.onHold, availableAt, paid: false },
      facts.now,
    );
    const changed = await this.ledger.follow(orderId, state, availableAt);
    if (changed > 0 && state === 'CLEARING' && availableAt) {
      await this.jobs.sendAt(CLEARANCE, { orderId }, availableAt);
    }
  }

  /** Orders whose clearance is due, for the sweep that backs the one-off jobs up. */
  dueForClearance(limit: number): Promise<number[]> {
    return this.ledger.dueForClearance(limit);
  }

  /** The caller's money by state, in the marketplace's currency. */
  async totals(user: AuthUser): Promise<EarningsResponse> {
    const totals = await this.ledger.totals(user.id, MARKETPLACE_CURRENCY);
    return toEarningsResponse(MARKETPLACE_CURRENCY, totals);
  }

  /** The caller's entries, newest first. */
  async entries(user: AuthUser, query: PageQueryDto): Promise<Page<LedgerEntryResponse>> {
    const rows = await this.ledger.page(user.id, idsBefore(query.cursor), query.limit + 1);
    return Page.fromRows(rows, query.limit, toLedgerEntryResponse);
  }
}
