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

/** Work the seller hands over on a PROTECTED order: it moves the order to DELIVERED. */
@Entity('order_deliveries')
@Check('order_deliveries_message_length', 'char_length(message) BETWEEN 1 AND 5000')
@Index('order_deliveries_order_id_id_idx', ['orderId', 'id'])
export class OrderDelivery {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  orderId!: number;

  @ManyToOne(() => Order, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'order_deliveries_order_id_fkey' })
  order?: Order;

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
