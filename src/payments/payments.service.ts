import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import type { AuthUser } from '../common/auth/roles';
import type { DomainError } from '../common/errors/domain-error';
import { formatCents, MARKETPLACE_CURRENCY, toCents } from '../common/money';
import { idsBefore } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type {
  PaymentListQueryDto,
  PaymentResponse,
  PaymentSettingsResponse,
  RecordPaymentDto,
} from './dto/payment.dto';
import {
  decideStripeRefund,
  isOtherPaymentIntent,
  reviewOnRecording,
  type Money,
  type RecordRefusal,
} from './payment-process';
import { PaymentErrors } from './payment.errors';
import { toPaymentResponse, toPaymentSettingsResponse } from './payment.mapper';
import {
  PaymentsRepository,
  type NewPayment,
  type PaymentRecord,
  type RecordResult,
  type RefundResult,
} from './payments.repository';
import { orderNotFound } from '../orders/order.errors';
import { EarningsService } from '../earnings/earnings.service';

/** How the HTTP route answers a payment that was not recorded. */
const REFUSALS: Record<RecordRefusal, (p: NewPayment) => DomainError> = {
  ORDER_NOT_FOUND: (p) => orderNotFound(p.orderId),
  ALREADY_PAID: (p) =>
    PaymentErrors.PAYMENT_ALREADY_RECORDED(
      `Order ${p.orderId} already has a payment; there is one per order.`,
    ),
  STRIPE_TX_REUSED: () =>
    PaymentErrors.PAYMENT_STRIPE_TX_REUSED(
      'This stripeTxId is already recorded against another payment.',
    ),
};

/** A refunded charge as Stripe reports it, in cents (hundredths) like every amount here. */
export interface RefundedCharge {
  chargeId: string;
  /** The charge's payment intent, when it has one. */
  intentId: string | null;
  /** The charge's `metadata.orderId`, when it is an order id. */
  orderId: number | null;
  /** Stripe's `amount_refunded`: everything refunded on the charge so far. */
  refunded: Money;
}

export type StripeRefundResult =
  | { ok: true; payment: PaymentRecord; reviewReason: string | null }
  | { ok: false; reason: 'NO_PAYMENT' };

@Injectable()
export class PaymentsService {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly uow: UnitOfWork,
    private readonly earnings: EarningsService,
  ) {}

  async settings(): Promise<PaymentSettingsResponse> {
    return toPaymentSettingsResponse(await this.payments.settings());
  }

  async updateSettings(user: AuthUser, percent: number): Promise<PaymentSettingsResponse> {
    return this.uow.run(async () => {
      await this.payments.updateSettings(percent.toFixed(2), user.id);
      return this.settings();
    });
  }

  async recordByHand(dto: RecordPaymentDto): Promise<PaymentResponse> {
    const payment: NewPayment = {
      orderId: dto.orderId,
      stripeTxId: dto.stripeTxId,
      totalCents: toCents(dto.totalAmount),
      currency: (dto.currency ?? MARKETPLACE_CURRENCY).toUpperCase(),
    };
    const result = await this.record(payment);
    if (!result.ok) throw REFUSALS[result.reason](payment);
    return toPaymentResponse(result.payment);
  }

  /**
   * Records a payment, in the caller's unit of work when there is one (the webhook's, with its
   * event). Money that moved is recorded even when it does not match its order; the one review
   * rule (reviewOnRecording) then says why, checked against the order as locked in this same
   * transaction. A refusal is returned, not thrown, and leaves that transaction usable. The
   * payment's split into the seller's earning and ECHO's fee enters the ledger with it.
   */
  record(payment: NewPayment): Promise<RecordResult> {
    return this.uow.run(async () => {
      const order = await this.payments.orderToPay(payment.orderId);
      if (!order) return { ok: false, reason: 'ORDER_NOT_FOUND' };
      const reviewReason = reviewOnRecording(order, {
        cents: payment.totalCents,
        currency: payment.currency,
      });
      const result = await this.payments.record({ ...payment, reviewReason });
      if (result.ok) await this.earnings.recordEarning(result.payment);
      return result;
    });
  }

  async forOrder(orderId: number): Promise<PaymentResponse> {
    const payment = await this.payments.findByOrder(orderId);
    if (!payment) {
      throw PaymentErrors.PAYMENT_NOT_FOUND(`Order ${orderId} has no recorded payment.`);
    }
    return toPaymentResponse(payment);
  }

  async list(query: PaymentListQueryDto): Promise<Page<PaymentResponse>> {
    const rows = await this.payments.page(
      idsBefore(query.cursor),
      query.limit + 1,
      query.needsReview,
    );
    return Page.fromRows(rows, query.limit, toPaymentResponse);
  }

  /**
   * Adds a refund to the order's payment, in the caller's unit of work (a dispute being
   * resolved), which decides how to report a refusal. The ledger takes the refund from the
   * seller and ECHO's fee, and it is made at Stripe (or left to an operator).
   */
  async refund(orderId: number, cents: number): Promise<RefundResult> {
    const refunded = await this.payments.refund(orderId, cents);
    if (refunded.ok) await this.earnings.recordReturn(orderId, 'DECIDED_REFUND');
    return refunded;
  }

  /** The payment made with one of these Stripe ids (a payment intent's, a charge's). */
  findByStripeTx(ids: string[]): Promise<PaymentRecord | null> {
    return this.payments.findByStripeTx(ids);
  }

  /**
   * A chargeback lost at Stripe: what it took back is added to the payment (at most what is
   * left after refunds; more is left for review) and taken from the seller and ECHO's fee in
   * the ledger, in the caller's unit of work. Returns why it needs review, or null.
   */
  async chargeBack(payment: PaymentRecord, cents: number): Promise<string | null> {
    await this.payments.lockOrderOf(payment.id);
    const now = (await this.payments.findByOrder(payment.orderId)) ?? payment;
    const left = now.totalAmountCents - now.refundedAmountCents - now.chargebackCents;
    const taken = Math.min(cents, left);
    const reviewReason =
      taken === cents
        ? null
        : `A lost chargeback took ${formatCents(cents)} ${now.currency}, but only ` +
          `${formatCents(left)} ${now.currency} of this payment was left after refunds.`;
    await this.payments.chargeBack(payment.id, taken, reviewReason);
    if (taken > 0) await this.earnings.recordReturn(payment.orderId, 'CHARGEBACK');
    return reviewReason;
  }

  /**
   * Brings a payment's refunds in line with Stripe's refunded total for one of its charges, in
   * the caller's unit of work (the webhook's, with its event). The payment is the one recorded
   * with the charge's payment intent (or the charge itself) as stripeTxId, else the payment of
   * the charge's metadata.orderId, unless that one came from another payment intent.
   */
  async stripeRefunded(charge: RefundedCharge): Promise<StripeRefundResult> {
    const ids = [charge.intentId, charge.chargeId].filter((id): id is string => id !== null);
    let payment = await this.payments.findByStripeTx(ids);
    if (!payment && charge.orderId !== null) {
      const ofOrder = await this.payments.findByOrder(charge.orderId);
      if (ofOrder && !isOtherPaymentIntent(ofOrder.stripeTxId, charge.intentId)) payment = ofOrder;
    }
    if (!payment) return { ok: false, reason: 'NO_PAYMENT' };
    await this.payments.lockOrderOf(payment.id);
    // What chargebacks took back cannot also be refunded.
    const refundable = {
      totalAmountCents: payment.totalAmountCents - payment.chargebackCents,
      currency: payment.currency,
    };
    const decision = decideStripeRefund(refundable, charge.refunded);
    const updated = await this.payments.applyStripeRefund({ paymentId: payment.id, ...decision });
    await this.earnings.recordStripeRefund(payment.orderId, decision.refundedCents);
    return { ok: true, payment: updated, reviewReason: decision.reviewReason };
  }
}
