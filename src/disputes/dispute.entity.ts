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
import { User } from '../users/user.entity';

export const DISPUTE_STATUSES = ['OPEN', 'CLOSED'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/** ORDER: opened by a party and resolved by an admin; CHARGEBACK: opened and decided at Stripe. */
export const DISPUTE_KINDS = ['ORDER', 'CHARGEBACK'] as const;
export type DisputeKind = (typeof DISPUTE_KINDS)[number];

/**
 * A dispute on an order: one a party opened (ORDER), or a card chargeback that Stripe reported
 * (CHARGEBACK, with no user behind it). At most one of each kind per order is OPEN at a time: a
 * partial unique index holds that, whatever the number of concurrent requests or instances.
 */
@Entity('disputes')
@Check('disputes_status_known', `status IN ('OPEN', 'CLOSED')`)
@Check('disputes_reason_length', 'char_length(reason) BETWEEN 1 AND 500')
@Check(
  'disputes_closed_consistent',
  `(status = 'OPEN' AND closed_at IS NULL) OR (status = 'CLOSED' AND closed_at IS NOT NULL)`,
)
@Check('disputes_kind_known', `kind IN ('ORDER', 'CHARGEBACK')`)
@Check(
  'disputes_kind_consistent',
  `(kind = 'ORDER' AND created_by_user_id IS NOT NULL AND stripe_dispute_id IS NULL)
   OR (kind = 'CHARGEBACK' AND created_by_user_id IS NULL AND stripe_dispute_id IS NOT NULL)`,
)
@Index('disputes_one_open_per_order', ['orderId', 'kind'], {
  unique: true,
  where: `status = 'OPEN'`,
})
@Index('disputes_order_id_id_idx', ['orderId', 'id'])
// The admin queue: open disputes, oldest first.
@Index('disputes_open_id_idx', ['id'], { where: `status = 'OPEN'` })
@Index('disputes_created_by_user_id_idx', ['createdByUserId'])
export class Dispute {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  orderId!: number;

  @ManyToOne(() => Order, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'disputes_order_id_fkey' })
  order?: Order;

  @Column({ type: 'varchar', length: 20, default: 'ORDER' })
  kind!: DisputeKind;

  /** null for a chargeback: Stripe opened it. */
  @Column({ type: 'integer', nullable: true })
  createdByUserId!: number | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'created_by_user_id',
    foreignKeyConstraintName: 'disputes_created_by_user_id_fkey',
  })
  createdBy?: User;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ type: 'varchar', length: 10, default: 'OPEN' })
  status!: DisputeStatus;

  @Column({ type: 'text', nullable: true })
  resolution!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  /** A chargeback's evidence deadline at Stripe (`evidence_details.due_by`). */
  @Column({ type: 'timestamptz', nullable: true })
  dueBy!: Date | null;

  /** The chargeback's Stripe dispute (du_...); each is recorded once. */
  @Index('disputes_stripe_dispute_id_key', { unique: true })
  @Column({ type: 'varchar', length: 255, nullable: true })
  stripeDisputeId!: string | null;
}
