import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Order } from '../orders/order.entity';
import { User } from '../users/user.entity';

/** How far each party has read an order's thread; unread = newer messages from others. */
@Entity('order_message_reads')
export class OrderMessageRead {
  @PrimaryColumn({ type: 'integer' })
  orderId!: number;

  @ManyToOne(() => Order, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'order_message_reads_order_id_fkey' })
  order?: Order;

  @PrimaryColumn({ type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'order_message_reads_user_id_fkey' })
  user?: User;

  @Column({ type: 'integer' })
  lastReadMessageId!: number;
}
