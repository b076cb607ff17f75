import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../users/user.entity';
import { Order } from './order.entity';
import type { OrderStatus, PlatformReason } from './order-process';

/** One row per status an order has had, written in the same statement as the change. */
@Entity('order_status_history')
@Check(
  'order_status_history_status_known',
  `status IN ('PENDING', 'IN_PROGRESS', 'DELIVERED', 'COMPLETED', 'CANCELLED')`,
)
@Check(
  'order_status_history_by_someone_or_a_reason',
  'changed_by_user_id IS NOT NULL OR reason IS NOT NULL',
)
@Index('order_status_history_order_id_id_idx', ['orderId', 'id'])
@Index('order_status_history_changed_by_user_id_idx', ['changedByUserId'])
export class OrderStatusHistory {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  orderId!: number;

  @ManyToOne(() => Order, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'order_status_history_order_id_fkey' })
  order?: Order;

  @Column({ type: 'varchar', length: 20 })
  status!: OrderStatus;

  /** Null when the platform made the change by itself; `reason` then says why. */
  @Column({ type: 'integer', nullable: true })
  changedByUserId!: number | null;

  /** Why the platform made the change (PLATFORM_REASONS); null for a person's change. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  reason!: PlatformReason | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'changed_by_user_id',
    foreignKeyConstraintName: 'order_status_history_changed_by_user_id_fkey',
  })
  changedBy?: User;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  changedAt!: Date;
}
