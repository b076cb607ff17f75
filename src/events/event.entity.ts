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
import { Venue } from '../venues/venue.entity';

/** Something that happens at a venue between two moments. */
@Entity('events')
@Check('events_dates_ordered', 'end_date >= start_date')
@Index('events_venue_id_id_idx', ['venueId', 'id'], { where: 'deleted_at IS NULL' })
@Index('events_creator_id_id_idx', ['creatorId', 'id'], { where: 'deleted_at IS NULL' })
export class Event {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  venueId!: number;

  @ManyToOne(() => Venue, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'venue_id', foreignKeyConstraintName: 'events_venue_id_fkey' })
  venue?: Venue;

  @Column({ type: 'integer' })
  creatorId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'creator_id', foreignKeyConstraintName: 'events_creator_id_fkey' })
  creator?: User;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'timestamptz' })
  startDate!: Date;

  @Column({ type: 'timestamptz' })
  endDate!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @DeleteDateColumn({ type: 'timestamptz' })
  deletedAt!: Date | null;
}
