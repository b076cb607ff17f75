import {
  Check,
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../users/user.entity';
import type { ItemType } from './item-type';
import type { OrderProcess } from '../orders/order-process';

/** A creator's listing. Deleting it only hides it: orders placed on it keep pointing at it. */
@Entity('items')
@Check('items_base_price_range', 'base_price_cents > 0 AND base_price_cents <= 100000000')
@Check('items_item_type_known', `item_type IN ('SERVICE', 'PRODUCT', 'DIGITAL')`)
@Check('items_process_known', `process IN ('DIRECT', 'PROTECTED')`)
@Check('items_delivery_days_range', 'delivery_days BETWEEN 1 AND 365')
@Check('items_revisions_included_range', 'revisions_included BETWEEN 0 AND 20')
@Index('items_creator_id_id_idx', ['creatorId', 'id'], { where: 'deleted_at IS NULL' })
export class Item {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  creatorId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'creator_id', foreignKeyConstraintName: 'items_creator_id_fkey' })
  creator?: User;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'integer', nullable: true })
  basePriceCents!: number | null;

  @Column({ type: 'varchar', length: 20 })
  itemType!: ItemType;

  /** How orders of this listing run; an order copies it, with the two fields below. */
  @Column({ type: 'varchar', length: 20, default: 'DIRECT' })
  process!: OrderProcess;

  @Column({ type: 'integer', nullable: true })
  deliveryDays!: number | null;

  @Column({ type: 'integer', default: 1 })
  revisionsIncluded!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @DeleteDateColumn({ type: 'timestamptz' })
  deletedAt!: Date | null;
}
