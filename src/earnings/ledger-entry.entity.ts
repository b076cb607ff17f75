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
import { Payment } from '../payments/payment.entity';
import { Payout } from '../payouts/payout.entity';
import { User } from '../users/user.entity';

export const ENTRY_TYPES = ['EARNING', 'REFUND', 'CHARGEBACK', 'PAYOUT'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export const ENTRY_STATES = ['PENDING', 'CLEARING', 'AVAILABLE', 'HELD', 'PAID'] as const;
export type EntryState = (typeof ENTRY_STATES)[number];

/**
 * How an entry's money moves outside ECHO: null when there is nothing for ECHO to move (an
 * earning, a chargeback, a refund Stripe made itself); else a Stripe refund ECHO executes,
 * MANUAL when no Stripe secret key is configured.
 */
export const EXECUTIONS = ['MANUAL', 'PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type Execution = (typeof EXECUTIONS)[number];

/**
 * The earnings ledger: what each seller is owed, in integer cents, append-only. A payment adds
 * one EARNING (the seller's part; `platformFeeCents` is ECHO's part of the same money); a refund
 * or a lost chargeback adds a negative entry split the same way; a payout adds one negative
 * PAYOUT entry and marks the entries it covers PAID, and a payout Stripe refused gives its
 * money back as a positive PAYOUT entry, AVAILABLE. Money columns are never updated; `state`,
 * `availableAt` and the execution columns follow the order and the payout.
 *
 * The checks hold the shape of each type; the deferred trigger ledger_matches_payment (see the
 * migration EarningsLedger) holds, at every commit, that an order's entries and its payment's
 * refunds add up to what was paid.
 */
@Entity('ledger_entries')
@Check('ledger_entries_type_known', `type IN ('EARNING', 'REFUND', 'CHARGEBACK', 'PAYOUT')`)
@Check(
  'ledger_entries_state_known',
  `state IN ('PENDING', 'CLEARING', 'AVAILABLE', 'HELD', 'PAID')`,
)
@Check(
  'ledger_entries_execution_known',
  `execution IS NULL OR execution IN ('MANUAL', 'PENDING', 'SUCCEEDED', 'FAILED')`,
)
@Check('ledger_entries_order_unless_payout', `(type = 'PAYOUT') = (order_id IS NULL)`)
@Check('ledger_entries_paid_by_payout', `(state = 'PAID') = (payout_id IS NOT NULL)`)
@Check(
  'ledger_entries_signs',
  `CASE type
     WHEN 'EARNING' THEN amount_cents >= 0 AND platform_fee_cents >= 0
                         AND amount_cents + platform_fee_cents > 0
     WHEN 'PAYOUT' THEN amount_cents <> 0 AND platform_fee_cents = 0
     ELSE amount_cents <= 0 AND platform_fee_cents <= 0 AND amount_cents + platform_fee_cents < 0
   END`,
)
@Check('ledger_entries_currency_format', `currency ~ '^[A-Z]{3}$'`)
// One earning per payment, whatever the number of concurrent recordings.
@Index('ledger_entries_one_earning_per_payment', ['paymentId'], {
  unique: true,
  where: `type = 'EARNING'`,
})
// The seller's entries, newest first, and their totals by state.
@Index('ledger_entries_seller_id_id_idx', ['sellerId', 'id'])
@Index('ledger_entries_order_id_idx', ['orderId'])
@Index('ledger_entries_payout_id_idx', ['payoutId'])
// Payouts pick a seller's AVAILABLE entries: a few rows among many.
@Index('ledger_entries_available_idx', ['sellerId'], { where: `state = 'AVAILABLE'` })
// The sweep of refunds still PENDING at Stripe.
@Index('ledger_entries_execution_pending_idx', ['id'], { where: `execution = 'PENDING'` })
// The clearance sweep: entries whose clearance is due.
@Index('ledger_entries_clearing_idx', ['availableAt'], { where: `state = 'CLEARING'` })
export class LedgerEntry {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  sellerId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'seller_id', foreignKeyConstraintName: 'ledger_entries_seller_id_fkey' })
  seller?: User;

  @Column({ type: 'integer', nullable: true })
  orderId!: number | null;

  @ManyToOne(() => Order, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'ledger_entries_order_id_fkey' })
  order?: Order;

  @Column({ type: 'integer', nullable: true })
  paymentId!: number | null;

  @ManyToOne(() => Payment, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'payment_id', foreignKeyConstraintName: 'ledger_entries_payment_id_fkey' })
  payment?: Payment;

  /** The payout that covers this entry (a PAYOUT entry: the payout it records). */
  @Column({ type: 'integer', nullable: true })
  payoutId!: number | null;

  @ManyToOne(() => Payout, { onDelete: 'RESTRICT', deferrable: 'INITIALLY DEFERRED' })
  @JoinColumn({ name: 'payout_id', foreignKeyConstraintName: 'ledger_entries_payout_id_fkey' })
  payout?: Payout;

  @Column({ type: 'varchar', length: 20 })
  type!: EntryType;

  /** The seller's part, signed: refunds, chargebacks and payouts are negative. */
  @Column({ type: 'integer' })
  amountCents!: number;

  /** ECHO's part of the same money, signed: the fee kept, or the part of it given back. */
  @Column({ type: 'integer', default: 0 })
  platformFeeCents!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 20 })
  state!: EntryState;

  /** When the entry clears: completion (or payment, if later) + the clearance period. */
  @Column({ type: 'timestamptz', nullable: true })
  availableAt!: Date | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  execution!: Execution | null;

  /** Stripe's id of the money moved (a refund's re_...). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  externalRef!: string | null;

  /** Why the execution failed, as Stripe said it. */
  @Column({ type: 'text', nullable: true })
  executionError!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
