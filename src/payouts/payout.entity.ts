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
import type { Execution } from '../earnings/ledger-entry.entity';
import { User } from '../users/user.entity';

/**
 * One payment to a seller of everything AVAILABLE to them at that moment. Its entries in the
 * ledger point at it (and are PAID); its amount is their sum, recorded once.
 */
@Entity('payouts')
@Check('payouts_amount_positive', 'amount_cents > 0')
@Check('payouts_entry_count_positive', 'entry_count > 0')
@Check('payouts_currency_format', `currency ~ '^[A-Z]{3}$'`)
@Check('payouts_execution_known', `execution IN ('MANUAL', 'PENDING', 'SUCCEEDED', 'FAILED')`)
@Index('payouts_seller_id_id_idx', ['sellerId', 'id'])
@Index('payouts_created_at_idx', ['createdAt'])
// The sweep of payouts still PENDING at Stripe.
@Index('payouts_execution_pending_idx', ['id'], { where: `execution = 'PENDING'` })
export class Payout {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  sellerId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'seller_id', foreignKeyConstraintName: 'payouts_seller_id_fkey' })
  seller?: User;

  @Column({ type: 'integer' })
  amountCents!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'integer' })
  entryCount!: number;

  @Column({ type: 'varchar', length: 20 })
  execution!: Execution;

  /** Stripe's transfer (tr_...), once it is made. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  externalRef!: string | null;

  /** Why ECHO does not or could not move the money itself, in a sentence. */
  @Column({ type: 'text', nullable: true })
  executionNote!: string | null;

  @Column({ type: 'integer', nullable: true })
  createdByUserId!: number | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'created_by_user_id',
    foreignKeyConstraintName: 'payouts_created_by_user_id_fkey',
  })
  createdBy?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
