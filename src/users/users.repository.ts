import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { LessThan, type EntityManager, type Repository } from 'typeorm';
import { violatedConstraint } from '../common/errors/pg-errors';
import { User } from './user.entity';

export type NewUser = Pick<User, 'email' | 'username' | 'passwordHash' | 'roles'>;

/** Registration is refused by the unique constraints on email and username. */
export type CreateUserResult =
  { ok: true; user: User } | { ok: false; reason: 'EMAIL_TAKEN' | 'USERNAME_TAKEN' };

const TAKEN: Record<string, 'EMAIL_TAKEN' | 'USERNAME_TAKEN'> = {
  users_email_key: 'EMAIL_TAKEN',
  users_username_key: 'USERNAME_TAKEN',
};

/** The admin account as the admin upsert leaves it. */
export interface AdminAccount {
  id: number;
  email: string;
  username: string;
  /** The account existed before: it was promoted (or re-set) and its sessions ended. */
  existed: boolean;
  /** It already held ADMIN before. */
  wasAdmin: boolean;
}

export interface NewAdmin {
  /** Already normalized (trimmed, lower case). */
  email: string;
  /** Wanted username; a short random suffix is added when another account has it. */
  username: string;
  passwordHash: string;
}

/**
 * Creates the admin with this email, or promotes the existing account (and resets its password
 * and reactivates it, which ends all of its sessions: see the users_end_sessions trigger), in
 * one statement. The subquery in RETURNING
 * reads the row as it was before the statement, which tells a promotion from a creation. A
 * plain function on an EntityManager because the command-line scripts call it without Nest;
 * UsersRepository.upsertAdmin is the same inside the app.
 */
export async function upsertAdminAccount(
  manager: EntityManager,
  admin: NewAdmin,
): Promise<AdminAccount> {
  const rows = await manager.query<AdminAccount[]>(
    `INSERT INTO users (email, username, password_hash, roles)
     VALUES ($1,
             CASE WHEN EXISTS (SELECT 1 FROM users WHERE username = $2)
                  THEN $2 || '-' || substr(md5(random()::text), 1, 6) ELSE $2 END,
             $3, ARRAY['USER','ADMIN'])
     ON CONFLICT (email) DO UPDATE
       SET roles = ARRAY['USER','ADMIN'], password_hash = EXCLUDED.password_hash,
           is_active = true, updated_at = now()
     RETURNING id, email, username,
       EXISTS (SELECT 1 FROM users b WHERE b.email = $1) AS "existed",
       COALESCE((SELECT 'ADMIN' = ANY(b.roles) FROM users b WHERE b.email = $1), false)
         AS "wasAdmin"`,
    [admin.email, admin.username, admin.passwordHash],
  );
  return rows[0];
}

/**
 * The warning an admin upsert owes the operator when it changed an existing account, naming
 * it; null when it created a new one.
 */
export function adminUpsertWarning(admin: AdminAccount): string | null {
  if (!admin.existed) return null;
  return admin.wasAdmin
    ? `Admin ${admin.email} (id ${admin.id}) already existed: its password was reset and every ` +
        'session of that account has ended.'
    : `Existing account ${admin.email} (id ${admin.id}) was promoted to ADMIN: its password was ` +
        'reset and every session of that account has ended (tokens issued before are refused).';
}

/** Every query of accounts. */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Through the current unit of work, when the request runs in one. */
  private get users(): Repository<User> {
    return this.db.tx.getRepository(User);
  }

  async create(fields: NewUser): Promise<CreateUserResult> {
    try {
      return { ok: true, user: await this.users.save(this.users.create(fields)) };
    } catch (err) {
      const reason = TAKEN[violatedConstraint(err) ?? ''];
      if (reason) return { ok: false, reason };
      throw err;
    }
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  /** `email` as stored: lower case. */
  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email } });
  }

  /** Newest first, `limit` rows after the keyset cursor `beforeId`. */
  page(filter: { beforeId?: number; limit: number }): Promise<User[]> {
    return this.users.find({
      where: filter.beforeId ? { id: LessThan(filter.beforeId) } : {},
      order: { id: 'DESC' },
      take: filter.limit,
    });
  }

  save(user: User): Promise<User> {
    return this.users.save(user);
  }

  /** Sets a new password hash (which ends the account's sessions); false when it is inactive. */
  async setPasswordHash(id: number, passwordHash: string): Promise<boolean> {
    const result = await this.users.update({ id, isActive: true }, { passwordHash });
    return (result.affected ?? 0) > 0;
  }

  /**
   * The ids of every admin, in id order, locked until the transaction ends: two concurrent
   * changes of admin roles are serialized on these rows. Only meaningful inside a transaction.
   */
  async lockAdminIds(): Promise<number[]> {
    const admins = await this.users
      .createQueryBuilder('u')
      .select('u.id')
      .where(`'ADMIN' = ANY(u.roles)`)
      .orderBy('u.id')
      .setLock('pessimistic_write')
      .getMany();
    return admins.map((a) => a.id);
  }

  upsertAdmin(admin: NewAdmin): Promise<AdminAccount> {
    return upsertAdminAccount(this.db.tx, admin);
  }
}
