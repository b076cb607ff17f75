import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { Role } from './roles';

/**
 * The account check behind every authenticated request. It reads the users table without its
 * entity, which belongs to the users feature (common imports no feature).
 */
@Injectable()
export class AccountsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The account's current roles; null when it does not exist or is deactivated. */
  async activeRoles(id: number): Promise<Role[] | null> {
    const rows = await this.db.tx.query<{ roles: Role[] }[]>(
      'SELECT roles FROM users WHERE id = $1 AND is_active',
      [id],
    );
    return rows.length ? rows[0].roles : null;
  }
}
