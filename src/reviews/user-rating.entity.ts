import { Check, Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity';

/**
 * A creator's reputation, kept up to date by a trigger on `reviews` in the same transaction as
 * each insert or delete, so reading it is one row whatever the number of reviews.
 */
@Entity('user_ratings')
@Check('user_ratings_counts_consistent', 'review_count = s1 + s2 + s3 + s4 + s5')
@Check('user_ratings_counts_positive', 'LEAST(s1, s2, s3, s4, s5) >= 0')
@Check('user_ratings_sum_consistent', 'score_sum = s1 + 2 * s2 + 3 * s3 + 4 * s4 + 5 * s5')
export class UserRating {
  @PrimaryColumn({ type: 'integer' })
  userId!: number;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'user_ratings_user_id_fkey' })
  user?: User;

  @Column({ type: 'integer', default: 0 }) reviewCount!: number;
  @Column({ type: 'bigint', default: 0 }) scoreSum!: string;
  @Column({ type: 'integer', default: 0 }) s1!: number;
  @Column({ type: 'integer', default: 0 }) s2!: number;
  @Column({ type: 'integer', default: 0 }) s3!: number;
  @Column({ type: 'integer', default: 0 }) s4!: number;
  @Column({ type: 'integer', default: 0 }) s5!: number;
}
