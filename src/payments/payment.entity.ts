import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Order } from '../orders/order.entity';

export const PAYMENT_STATUSES = ['SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * What a buyer paid for an order, and ECHO's fee on it, in integer cents. The fee is computed
 * once, when the payment is recorded, from the percentage then in force, and never again.
 *
 * What was refunded comes from two sources that may describe the same money: refunds decided by
 * dispute resolution, and the total that Stripe reports having refunded. The refunded amount is
 * the larger of the two (payments_refunded_is_greatest), so each arrives in either order without
 * counting a refund twice.
 */
@Entity('payments')
@Check('payments_total_positive', 'total_amount_cents > 0')
@Check('payments_fee_range', 'platform_fee_cents >= 0 AND platform_fee_cents <= total_amount_cents')
@Check(
  'payments_refund_range',
  'refunded_amount_cents >= 0 AND refunded_amount_cents <= total_amount_cents',
)
@Check('payments_fee_percent_range', 'platform_fee_percent >= 0 AND platform_fee_percent <= 100')
@Check('payments_currency_format', `currency ~ '^[A-Z]{3}$'`)
@Check(
  'payments_status_matches_refund',
  `status = CASE WHEN refunded_amount_cents = 0 THEN 'SUCCEEDED'
                 WHEN refunded_amount_cents < total_amount_cents THEN 'PARTIALLY_REFUNDED'
                 ELSE 'REFUNDED' END`,
)
@Check(
  'payments_refund_sources_range',
  'dispute_refunded_cents >= 0 AND stripe_refunded_cents >= 0',
)
@Check(
  'payments_refunded_is_greatest',
  'refunded_amount_cents = GREATEST(dispute_refunded_cents, stripe_refunded_cents)',
)
@Check(
  'payments_returned_range',
  'chargeback_cents >= 0 AND refunded_amount_cents + chargeback_cents <= total_amount_cents',
)
@Check('payments_review_reason_given', 'needs_review = (review_reason IS NOT NULL)')
@Index('payments_payment_date_idx', ['paymentDate'])
// The review queue (GET /payments?needsReview=true), newest first: a few rows among many.
@Index('payments_review_queue_idx', ['id'], { where: 'needs_review' })
export class Payment {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('payments_order_id_key', { unique: true })
  @Column({ type: 'integer' })
  orderId!: number;

  @ManyToOne(() => Order, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'payments_order_id_fkey' })
  order?: Order;

  @Index('payments_stripe_tx_id_key', { unique: true })
  @Column({ type: 'varchar', length: 255 })
  stripeTxId!: string;

  @Column({ type: 'integer' })
  totalAmountCents!: number;

  @Column({ type: 'integer' })
  platformFeeCents!: number;

  /** The percentage the fee was computed from, kept for the record. */
  @Column({ type: 'numeric', precision: 5, scale: 2 })
  platformFeePercent!: string;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 20, default: 'SUCCEEDED' })
  status!: PaymentStatus;

  @Column({ type: 'integer', default: 0 })
  refundedAmountCents!: number;

  /** The sum of the refunds decided by dispute resolution. */
  @Column({ type: 'integer', default: 0 })
  disputeRefundedCents!: number;

  /** Stripe's `amount_refunded` for the payment's charge, the highest reported. */
  @Column({ type: 'integer', default: 0 })
  stripeRefundedCents!: number;

  /** What lost chargebacks took back from this payment. */
  @Column({ type: 'integer', default: 0 })
  chargebackCents!: number;

  /**
   * Set when the payment does not match its order (amount, currency, or an order already
   * CANCELLED) or a Stripe refund could not be taken as it came; a person looks at it.
   */
  @Column({ type: 'boolean', default: false })
  needsReview!: boolean;

  /** What does not match, in sentences; null exactly when needsReview is false. */
  @Column({ type: 'text', nullable: true })
  reviewReason!: string | null;

  @Column({ type: 'timestamptz' })
  paymentDate!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
