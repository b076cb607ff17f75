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

/** The buyer's review of the creator, one per order (a unique constraint holds that). */
@Entity('reviews')
@Check('reviews_score_range', 'score BETWEEN 1 AND 5')
@Check('reviews_comment_length', 'char_length(comment) <= 2000')
@Index('reviews_reviewed_user_id_id_idx', ['reviewedUserId', 'id'])
@Index('reviews_author_id_idx', ['authorId'])
export class Review {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('reviews_order_id_key', { unique: true })
  @Column({ type: 'integer' })
  orderId!: number;

  @ManyToOne(() => Order, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'reviews_order_id_fkey' })
  order?: Order;

  @Column({ type: 'integer' })
  authorId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'reviews_author_id_fkey' })
  author?: User;

  @Column({ type: 'integer' })
  reviewedUserId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'reviewed_user_id',
    foreignKeyConstraintName: 'reviews_reviewed_user_id_fkey',
  })
  reviewedUser?: User;

  @Column({ type: 'smallint' })
  score!: number;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
