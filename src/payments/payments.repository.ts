import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { In, type Repository } from 'typeorm';
import { Order } from '../orders/order.entity';
import { PaymentSettings } from './payment-settings.entity';
import { Payment } from './payment.entity';
import {
  REFUND_STATUS,
  type OrderToPay,
  type RecordRefusal,
  type RefundRefusal,
} from './payment-process';

/** A payment as the API shows it. */
export type PaymentRecord = Pick<
  Payment,
  | 'id'
  | 'orderId'
  | 'stripeTxId'
  | 'totalAmountCents'
  | 'platformFeeCents'
  | 'currency'
  | 'status'
  | 'refundedAmountCents'
  | 'chargebackCents'
  | 'paymentDate'
  | 'needsReview'
  | 'reviewReason'
>;

export type SettingsRecord = Pick<PaymentSettings, 'platformFeePercent' | 'updatedAt'>;

export interface NewPayment {
  orderId: number;
  stripeTxId: string;
  totalCents: number;
  currency: string;
  paymentDate?: Date;
}

/** A payment to insert, with what the review rule decided about it (null: it matches). */
export interface CheckedPayment extends NewPayment {
  reviewReason: string | null;
}

/** Stripe's refunded total to apply to a payment, and a reason to review it, if any. */
export interface StripeRefundUpdate {
  paymentId: number;
  /** null leaves the refunded amounts as they are. */
  refundedCents: number | null;
  reviewReason: string | null;
}

export type RecordResult =
  { ok: true; payment: PaymentRecord } | { ok: false; reason: RecordRefusal };

export type RefundResult =
  | { ok: true }
  | { ok: false; reason: Extract<RefundRefusal, 'NO_PAYMENT'> }
  | { ok: false; reason: Extract<RefundRefusal, 'EXCEEDS_LEFT'>; leftCents: number };

const PAYMENT_FIELDS: (keyof PaymentRecord)[] = [
  'id',
  'orderId',
  'stripeTxId',
  'totalAmountCents',
  'platformFeeCents',
  'currency',
  'status',
  'refundedAmountCents',
  'chargebackCents',
  'paymentDate',
  'needsReview',
  'reviewReason',
];

interface PaymentRow {
  id: number;
  order_id: number;
  stripe_tx_id: string;
  total_amount_cents: number;
  platform_fee_cents: number;
  currency: string;
  status: PaymentRecord['status'];
  refunded_amount_cents: number;
  chargeback_cents: number;
  payment_date: Date;
  needs_review: boolean;
  review_reason: string | null;
}

const toPaymentRecord = (r: PaymentRow): PaymentRecord => ({
  id: r.id,
  orderId: r.order_id,
  stripeTxId: r.stripe_tx_id,
  totalAmountCents: r.total_amount_cents,
  platformFeeCents: r.platform_fee_cents,
  currency: r.currency,
  status: r.status,
  refundedAmountCents: r.refunded_amount_cents,
  chargebackCents: r.chargeback_cents,
  paymentDate: r.payment_date,
  needsReview: r.needs_review,
  reviewReason: r.review_reason,
});

/**
 * The SET clause that adds a reason to review a payment (the text parameter `param`, or null for
 * none) to the reasons it has, never replacing one.
 */
const ADD_REVIEW_REASON = (param: string) =>
  `needs_review = needs_review OR ${param}::text IS NOT NULL,
   review_reason = CASE WHEN ${param}::text IS NULL THEN review_reason
                        ELSE concat_ws(' ', review_reason, ${param}::text) END`;

/** Every query of payments and of the payment settings. */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get payments(): Repository<Payment> {
    return this.db.tx.getRepository(Payment);
  }

  private get settingsRow(): Repository<PaymentSettings> {
    return this.db.tx.getRepository(PaymentSettings);
  }

  /** The single settings row (id 1, created by the migrations). */
  settings(): Promise<SettingsRecord> {
    return this.settingsRow.findOneOrFail({
      where: { id: 1 },
      select: { platformFeePercent: true, updatedAt: true },
    });
  }

  /** `percent` as numeric text with two decimals; updatedAt is set by the write. */
  async updateSettings(percent: string, byUserId: number): Promise<void> {
    await this.settingsRow.update(
      { id: 1 },
      { platformFeePercent: percent, updatedByUserId: byUserId },
    );
  }

  /**
   * The order a payment is checked against, locked FOR SHARE until the transaction ends: a
   * status change (which locks the row for update) waits for the payment to commit, or the
   * payment waits for the change and reads its result. Needs the caller's transaction.
   */
  orderToPay(orderId: number): Promise<OrderToPay | null> {
    return this.db.tx.getRepository(Order).findOne({
      where: { id: orderId },
      select: { id: true, finalPriceCents: true, status: true },
      lock: { mode: 'pessimistic_read' },
    });
  }

  /**
   * Records a payment. The fee is computed in the same statement from the percentage in force,
   * in numeric arithmetic rounded half-up to the cent, and stored with the payment. The unique
   * constraints (one payment per order, one per transaction id) settle races; ON CONFLICT keeps
   * a conflict from aborting the caller's transaction (the webhook stores its event regardless).
   * The same statement says why nothing was inserted.
   */
  async record(p: CheckedPayment): Promise<RecordResult> {
    const rows: (PaymentRow & {
      order_found: boolean;
      order_paid: boolean;
      tx_recorded: boolean;
    })[] = await this.db.tx.query(
      `WITH o AS (SELECT id FROM orders WHERE id = $1 FOR KEY SHARE),
       created AS (
         INSERT INTO payments (order_id, stripe_tx_id, total_amount_cents, platform_fee_cents,
                               platform_fee_percent, currency, payment_date, needs_review,
                               review_reason)
         SELECT o.id, $2, $3::int, round($3::int * s.platform_fee_percent / 100)::int,
                s.platform_fee_percent, $4, COALESCE($5::timestamptz, now()),
                $6::text IS NOT NULL, $6::text
         FROM o, payment_settings s WHERE s.id = 1
         ON CONFLICT DO NOTHING
         RETURNING *
       )
       SELECT EXISTS (SELECT 1 FROM o) AS order_found,
              EXISTS (SELECT 1 FROM payments WHERE order_id = $1) AS order_paid,
              EXISTS (SELECT 1 FROM payments WHERE stripe_tx_id = $2) AS tx_recorded,
              c.*
       FROM (SELECT 1) AS one LEFT JOIN created c ON true`,
      [p.orderId, p.stripeTxId, p.totalCents, p.currency, p.paymentDate ?? null, p.reviewReason],
    );
    const row = rows[0];
    if (!row.order_found) return { ok: false, reason: 'ORDER_NOT_FOUND' };
    if (row.id !== null) return { ok: true, payment: toPaymentRecord(row) };
    if (row.order_paid) return { ok: false, reason: 'ALREADY_PAID' };
    if (row.tx_recorded) return { ok: false, reason: 'STRIPE_TX_REUSED' };
    // The conflicting payment was committed while the insert waited for it: after the
    // statement's snapshot, so only a new statement sees which of the two it was.
    const paid = await this.payments.exists({ where: { orderId: p.orderId } });
    return { ok: false, reason: paid ? 'ALREADY_PAID' : 'STRIPE_TX_REUSED' };
  }

  /**
   * Locks the order of a payment FOR SHARE, before its payment: every change of a payment's
   * money takes the order first, then the payment (a dispute's resolution does, through the
   * dispute's trigger), so two of them never wait for each other in a circle.
   */
  async lockOrderOf(paymentId: number): Promise<void> {
    await this.db.tx.query(
      `SELECT o.id FROM orders o JOIN payments p ON p.order_id = o.id WHERE p.id = $1
       FOR SHARE OF o`,
      [paymentId],
    );
  }

  /**
   * Adds what a lost chargeback took back (the caller holds the order's lock and has checked
   * that it fits; payments_returned_range holds it regardless), and a reason to review the
   * payment, if any, to its reasons.
   */
  async chargeBack(
    paymentId: number,
    cents: number,
    reviewReason: string | null,
  ): Promise<PaymentRecord> {
    const rows: PaymentRow[] = await this.db.tx.query(
      `WITH updated AS (
         UPDATE payments SET
           chargeback_cents = chargeback_cents + $2,
           ${ADD_REVIEW_REASON('$3')}
         WHERE id = $1
         RETURNING *
       )
       SELECT * FROM updated`,
      [paymentId, cents, reviewReason],
    );
    return toPaymentRecord(rows[0]);
  }

  findByOrder(orderId: number): Promise<PaymentRecord | null> {
    return this.payments.findOne({ where: { orderId }, select: PAYMENT_FIELDS });
  }

  /** The payment recorded with one of these Stripe ids (a payment intent's, a charge's). */
  findByStripeTx(ids: string[]): Promise<PaymentRecord | null> {
    return this.payments.findOne({
      where: { stripeTxId: In(ids) },
      select: PAYMENT_FIELDS,
      order: { id: 'ASC' },
    });
  }

  /**
   * Newest first, `limit` payments below the keyset cursor `beforeId`; with `needsReview`, only
   * those in (true) or out of (false) the review queue. The queue is read through its partial
   * index (payments_review_queue_idx), which the literal predicate lets the planner use.
   */
  page(beforeId: number, limit: number, needsReview?: boolean): Promise<PaymentRecord[]> {
    const q = this.payments
      .createQueryBuilder('p')
      .select(PAYMENT_FIELDS.map((f) => `p.${f}`))
      .where('p.id < :beforeId', { beforeId });
    if (needsReview !== undefined) {
      q.andWhere(needsReview ? 'p.needs_review' : 'NOT p.needs_review');
    }
    return q.orderBy('p.id', 'DESC').take(limit).getMany();
  }

  /**
   * Adds a refund decided by dispute resolution. Conditional on the decided refunds staying
   * within the total less what chargebacks took back, so concurrent refunds can never together exceed it; the same statement
   * says what was left when it does not fit. The refunded amount becomes the larger of the
   * decided refunds and Stripe's refunded total: a refund that Stripe already reported is the
   * same money as the decision that ordered it, not a second refund.
   */
  async refund(orderId: number, cents: number): Promise<RefundResult> {
    const rows: { refunded_id: number | null; left_cents: number | null }[] =
      await this.db.tx.query(
        `WITH refunded AS (
           UPDATE payments SET
             dispute_refunded_cents = dispute_refunded_cents + $2,
             refunded_amount_cents = GREATEST(dispute_refunded_cents + $2, stripe_refunded_cents),
             status = CASE
               WHEN GREATEST(dispute_refunded_cents + $2, stripe_refunded_cents) = 0 THEN $3
               WHEN GREATEST(dispute_refunded_cents + $2, stripe_refunded_cents)
                    < total_amount_cents THEN $4
               ELSE $5 END
           WHERE order_id = $1
             AND dispute_refunded_cents + $2 <= total_amount_cents - chargeback_cents
           RETURNING id
         )
         SELECT (SELECT id FROM refunded) AS refunded_id,
                p.total_amount_cents - p.chargeback_cents - p.dispute_refunded_cents AS left_cents
         FROM (SELECT 1) AS one LEFT JOIN payments p ON p.order_id = $1`,
        [orderId, cents, REFUND_STATUS.none, REFUND_STATUS.part, REFUND_STATUS.all],
      );
    const { refunded_id: refundedId, left_cents: left } = rows[0];
    if (refundedId !== null) return { ok: true };
    if (left === null) return { ok: false, reason: 'NO_PAYMENT' };
    if (left < cents) return { ok: false, reason: 'EXCEEDS_LEFT', leftCents: left };
    // It fitted in the statement's snapshot, so a concurrent refund took the room after it and
    // the update waited for that one; only a new statement sees what is left now.
    const now = await this.payments.findOneOrFail({
      where: { orderId },
      select: { totalAmountCents: true, disputeRefundedCents: true, chargebackCents: true },
    });
    return {
      ok: false,
      reason: 'EXCEEDS_LEFT',
      leftCents: now.totalAmountCents - now.chargebackCents - now.disputeRefundedCents,
    };
  }

  /**
   * Applies Stripe's refunded total to a payment: it only ever rises (an older event that
   * arrives late lowers nothing), and the refunded amount is the larger of it and the refunds
   * decided by disputes. A review reason is added to the payment's, never replacing one. One
   * conditional-free update of the row, every value computed from the row as it is when the
   * update takes its lock, so a concurrent dispute refund lands before or after it, never lost.
   */
  async applyStripeRefund(u: StripeRefundUpdate): Promise<PaymentRecord> {
    const rows: PaymentRow[] = await this.db.tx.query(
      `WITH updated AS (
         UPDATE payments SET
           stripe_refunded_cents = GREATEST(stripe_refunded_cents, $2),
           refunded_amount_cents = GREATEST(dispute_refunded_cents, stripe_refunded_cents, $2),
           status = CASE
             WHEN GREATEST(dispute_refunded_cents, stripe_refunded_cents, $2) = 0 THEN $4
             WHEN GREATEST(dispute_refunded_cents, stripe_refunded_cents, $2)
                  < total_amount_cents THEN $5
             ELSE $6 END,
           ${ADD_REVIEW_REASON('$3')}
         WHERE id = $1
         RETURNING *
       )
       SELECT * FROM updated`,
      [
        u.paymentId,
        u.refundedCents ?? 0,
        u.reviewReason,
        REFUND_STATUS.none,
        REFUND_STATUS.part,
        REFUND_STATUS.all,
      ],
    );
    return toPaymentRecord(rows[0]);
  }
}
