import {
  Check,
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../users/user.entity';

/** The platform's payment settings: a single row (id = 1), changed only by admins. */
@Entity('payment_settings')
@Check('payment_settings_single_row', 'id = 1')
@Check(
  'payment_settings_fee_percent_range',
  'platform_fee_percent >= 0 AND platform_fee_percent <= 100',
)
export class PaymentSettings {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ type: 'numeric', precision: 5, scale: 2 })
  platformFeePercent!: string;

  @Column({ type: 'integer', nullable: true })
  updatedByUserId!: number | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'updated_by_user_id',
    foreignKeyConstraintName: 'payment_settings_updated_by_user_id_fkey',
  })
  updatedBy?: User;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
