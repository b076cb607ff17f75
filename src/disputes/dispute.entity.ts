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

/**
 * A dispute on an order. At most one per order is OPEN at a time: a partial unique index holds
 * that, whatever the number of concurrent requests or service instances.
 */
@Entity('disputes')
@Check('disputes_status_known', `status IN ('OPEN', 'CLOSED')`)
@Check('disputes_reason_length', 'char_length(reason) BETWEEN 1 AND 500')
@Check(
  'disputes_closed_consistent',
  `(status = 'OPEN' AND closed_at IS NULL) OR (status = 'CLOSED' AND closed_at IS NOT NULL)`,
)
@Index('disputes_one_open_per_order', ['orderId'], { unique: true, where: `status = 'OPEN'` })
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

  @Column({ type: 'integer' })
  createdByUserId!: number;

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
}
