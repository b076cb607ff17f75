import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Role } from '../common/auth/roles';

@Entity('users')
@Check('users_roles_known', `roles <@ ARRAY['USER','ADMIN']::text[] AND 'USER' = ANY(roles)`)
@Check('users_email_lowercase', `email = lower(email)`)
@Check('users_stripe_account_format', `stripe_account_id ~ '^acct_[A-Za-z0-9]{1,200}$'`)
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('users_email_key', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Index('users_username_key', { unique: true })
  @Column({ type: 'varchar', length: 30 })
  username!: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'text', array: true, default: () => `'{USER}'` })
  roles!: Role[];

  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  /**
   * Raised whenever the account's password, roles or active flag change, and on promotion:
   * tokens carry the version they were issued under, and an older one is refused.
   */
  @Column({ type: 'integer', default: 1 })
  sessionVersion!: number;

  /** The seller's connected Stripe account (acct_...), where payouts are transferred; set by an admin. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  stripeAccountId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
