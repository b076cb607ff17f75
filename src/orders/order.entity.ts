import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Item } from '../items/item.entity';
import { User } from '../users/user.entity';
import type { OrderProcess, OrderStatus } from './order-process';

/**
 * An order of one listing by a buyer. The seller is the listing's creator, copied at order time
 * so that "orders I sell" is one index lookup and never changes under the order.
 */
@Entity('orders')
@Check('orders_final_price_range', 'final_price_cents > 0 AND final_price_cents <= 100000000')
@Check(
  'orders_status_known',
  `status IN ('PENDING', 'IN_PROGRESS', 'DELIVERED', 'COMPLETED', 'CANCELLED')`,
)
@Check('orders_process_known', `process IN ('DIRECT', 'PROTECTED')`)
@Check('orders_revisions_left_not_negative', 'revisions_left >= 0')
@Check('orders_delivered_only_protected', `process = 'PROTECTED' OR status <> 'DELIVERED'`)
@Check('orders_not_own_item', 'buyer_id <> seller_id')
@Check('orders_unread_not_negative', 'buyer_unread >= 0 AND seller_unread >= 0')
@Index('orders_buyer_id_id_idx', ['buyerId', 'id'])
@Index('orders_seller_id_id_idx', ['sellerId', 'id'])
@Index('orders_buyer_id_status_id_idx', ['buyerId', 'status', 'id'])
@Index('orders_seller_id_status_id_idx', ['sellerId', 'status', 'id'])
@Index('orders_item_id_idx', ['itemId'])
// Admin overview: orders by status, counted from the index alone.
@Index('orders_status_idx', ['status'])
export class Order {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  buyerId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'buyer_id', foreignKeyConstraintName: 'orders_buyer_id_fkey' })
  buyer?: User;

  @Column({ type: 'integer' })
  sellerId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'seller_id', foreignKeyConstraintName: 'orders_seller_id_fkey' })
  seller?: User;

  @Column({ type: 'integer' })
  itemId!: number;

  @ManyToOne(() => Item, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'item_id', foreignKeyConstraintName: 'orders_item_id_fkey' })
  item?: Item;

  @Column({ type: 'integer' })
  finalPriceCents!: number;

  @Column({ type: 'varchar', length: 20, default: 'PENDING' })
  status!: OrderStatus;

  /** Copied from the listing when the order is placed (OrderProcessFields). */
  @Column({ type: 'varchar', length: 20, default: 'DIRECT' })
  process!: OrderProcess;

  /** Placement plus the listing's delivery days; null when the listing set none. */
  @Column({ type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  revisionsLeft!: number;

  /** The last delivery (PROTECTED). */
  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  /** When a DELIVERED order completes by itself (PROTECTED). */
  @Column({ type: 'timestamptz', nullable: true })
  autoCompleteAt!: Date | null;

  /** Since when an open dispute has stopped the order's timers (TimersPause); null: running. */
  @Column({ type: 'timestamptz', nullable: true })
  timersPausedAt!: Date | null;

  /**
   * Messages from others newer than each party's read marker, and whether a dispute is open:
   * kept by triggers in the transaction of the write that changes them (OrderCounters), so
   * reads never count.
   */
  @Column({ type: 'integer', default: 0 })
  buyerUnread!: number;

  @Column({ type: 'integer', default: 0 })
  sellerUnread!: number;

  @Column({ type: 'boolean', default: false })
  hasOpenDispute!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
