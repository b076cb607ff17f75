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
import { User } from '../users/user.entity';

export const TARGET_TYPES = ['VENUE', 'EVENT'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

/**
 * A visitor's review of a venue or an event. One per user per target, held by a unique
 * constraint. The target is polymorphic, so its existence is checked when the review is written.
 */
@Entity('venue_event_reviews')
@Check('venue_event_reviews_score_range', 'score BETWEEN 1 AND 5')
@Check('venue_event_reviews_comment_length', 'char_length(comment) <= 2000')
@Check('venue_event_reviews_target_type_known', `target_type IN ('VENUE', 'EVENT')`)
@Index('venue_event_reviews_one_per_author', ['authorId', 'targetType', 'targetId'], {
  unique: true,
})
@Index('venue_event_reviews_target_id_idx', ['targetType', 'targetId', 'id'])
export class VenueEventReview {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  authorId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'venue_event_reviews_author_id_fkey' })
  author?: User;

  @Column({ type: 'varchar', length: 10 })
  targetType!: TargetType;

  @Column({ type: 'integer' })
  targetId!: number;

  @Column({ type: 'smallint' })
  score!: number;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
