import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { TargetType } from './venue-event-review.entity';

/** A venue's or event's score count and sum, kept by a trigger on venue_event_reviews. */
@Entity('venue_event_ratings')
@Check('venue_event_ratings_count_positive', 'review_count >= 0')
export class VenueEventRating {
  @PrimaryColumn({ type: 'varchar', length: 10 })
  targetType!: TargetType;

  @PrimaryColumn({ type: 'integer' })
  targetId!: number;

  @Column({ type: 'integer', default: 0 }) reviewCount!: number;
  @Column({ type: 'bigint', default: 0 }) scoreSum!: string;
}
