import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { Role } from './roles';

/** An active account as the token check sees it. */
export interface ActiveAccount {
  roles: Role[];
  sessionVersion: number;
}

/**
 * The account check behind every authenticated request. It reads the users table without its
 * entity, which belongs to the users feature (common imports no feature).
 */
@Injectable()
export class AccountsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The account's current roles and session version; null when gone or deactivated. */
  async active(id: number): Promise<ActiveAccount | null> {
    const rows = await this.db.tx.query<{ roles: Role[]; session_version: number }[]>(
      'SELECT roles, session_version FROM users WHERE id = $1 AND is_active',
      [id],
    );
    return rows.length ? { roles: rows[0].roles, sessionVersion: rows[0].session_version } : null;
  }
}
