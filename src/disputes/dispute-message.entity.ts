import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../users/user.entity';
import { Dispute } from './dispute.entity';

/** A message in a dispute's own thread, separate from the order's. */
@Entity('dispute_messages')
@Check('dispute_messages_message_length', 'char_length(message) BETWEEN 1 AND 5000')
@Index('dispute_messages_dispute_id_id_idx', ['disputeId', 'id'])
@Index('dispute_messages_user_id_idx', ['userId'])
export class DisputeMessage {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  disputeId!: number;

  @ManyToOne(() => Dispute, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dispute_id', foreignKeyConstraintName: 'dispute_messages_dispute_id_fkey' })
  dispute?: Dispute;

  @Column({ type: 'integer' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'dispute_messages_user_id_fkey' })
  user?: User;

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
