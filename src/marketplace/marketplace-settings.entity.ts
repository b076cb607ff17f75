import {
  Check,
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  type ValueTransformer,
} from 'typeorm';
import { User } from '../users/user.entity';
import { formatDuration, fromPgInterval, type Duration, type PgInterval } from './duration';
import type { OrderProcess } from '../orders/order-process';

/** A Duration in the code, an `interval` in the database (sent as ISO 8601 text). */
const interval: ValueTransformer = {
  to: (d: Duration | undefined) => (d === undefined ? undefined : formatDuration(d)),
  from: (i: PgInterval) => fromPgInterval(i),
};

/**
 * The marketplace's settings: a single row (id = 1), changed only by admins. The defaults are
 * DIRECT, P3D, PT48H and P7D, written here as PostgreSQL prints those intervals, so that the
 * schema the migrations build and this entity compare equal.
 */
@Entity('marketplace_settings')
@Check('marketplace_settings_single_row', 'id = 1')
@Check('marketplace_settings_default_process_known', `default_process IN ('DIRECT', 'PROTECTED')`)
@Check('marketplace_settings_auto_complete_after_min', `auto_complete_after >= interval '1 second'`)
@Check('marketplace_settings_cancellation_window_min', `cancellation_window >= interval '1 second'`)
@Check('marketplace_settings_clearance_period_min', `clearance_period >= interval '1 second'`)
export class MarketplaceSettings {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'marketplace_settings_pkey' })
  id!: number;

  @Column({ type: 'varchar', length: 20, default: 'DIRECT' })
  defaultProcess!: OrderProcess;

  @Column({ type: 'interval', default: '3 days', transformer: interval })
  autoCompleteAfter!: Duration;

  @Column({ type: 'interval', default: '48:00:00', transformer: interval })
  cancellationWindow!: Duration;

  @Column({ type: 'interval', default: '7 days', transformer: interval })
  clearancePeriod!: Duration;

  @Column({ type: 'integer', nullable: true })
  updatedByUserId!: number | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'updated_by_user_id',
    foreignKeyConstraintName: 'marketplace_settings_updated_by_user_id_fkey',
  })
  updatedBy?: User;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
