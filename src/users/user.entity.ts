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

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
