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

/** A message in an order's thread. */
@Entity('order_messages')
@Check('order_messages_content_length', 'char_length(content) BETWEEN 1 AND 5000')
@Index('order_messages_order_id_id_idx', ['orderId', 'id'])
@Index('order_messages_sender_id_idx', ['senderId'])
export class OrderMessage {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  orderId!: number;

  @ManyToOne(() => Order, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'order_messages_order_id_fkey' })
  order?: Order;

  @Column({ type: 'integer' })
  senderId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'sender_id', foreignKeyConstraintName: 'order_messages_sender_id_fkey' })
  sender?: User;

  @Column({ type: 'text' })
  content!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  sentAt!: Date;
}
