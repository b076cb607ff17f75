import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Order } from '../orders/order.entity';
import { User } from '../users/user.entity';

export const CANCELLATION_REQUEST_STATUSES = [
  'PENDING',
  'ACCEPTED',
  'DECLINED',
  'EXPIRED',
] as const;
export type CancellationRequestStatus = (typeof CANCELLATION_REQUEST_STATUSES)[number];

/**
 * A party asks to cancel a PROTECTED order once work has started; the other party accepts or
 * declines by respondBy, or it expires, which cancels the order. One PENDING per order.
 */
@Entity('order_cancellation_requests')
@Check('order_cancellation_requests_reason_length', 'char_length(reason) BETWEEN 1 AND 5000')
@Check(
  'order_cancellation_requests_status_known',
  `status IN ('PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED')`,
)
@Check(
  'order_cancellation_requests_resolved_when_not_pending',
  `(status = 'PENDING') = (resolved_at IS NULL)`,
)
@Index('order_cancellation_requests_order_id_id_idx', ['orderId', 'id'])
@Index('order_cancellation_requests_one_pending', ['orderId'], {
  unique: true,
  where: `status = 'PENDING'`,
})
@Index('order_cancellation_requests_requested_by_user_id_idx', ['requestedByUserId'])
export class OrderCancellationRequest {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  orderId!: number;

  @ManyToOne(() => Order, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'order_id',
    foreignKeyConstraintName: 'order_cancellation_requests_order_id_fkey',
  })
  order?: Order;

  @Column({ type: 'integer' })
  requestedByUserId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'requested_by_user_id',
    foreignKeyConstraintName: 'order_cancellation_requests_requested_by_user_id_fkey',
  })
  requestedBy?: User;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'varchar', length: 20, default: 'PENDING' })
  status!: CancellationRequestStatus;

  @Column({ type: 'timestamptz' })
  respondBy!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
