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

/** The buyer sends a delivery back for changes: the order returns to IN_PROGRESS. */
@Entity('order_revision_requests')
@Check('order_revision_requests_reason_length', 'char_length(reason) BETWEEN 1 AND 5000')
@Index('order_revision_requests_order_id_id_idx', ['orderId', 'id'])
export class OrderRevisionRequest {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  orderId!: number;

  @ManyToOne(() => Order, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'order_id',
    foreignKeyConstraintName: 'order_revision_requests_order_id_fkey',
  })
  order?: Order;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
