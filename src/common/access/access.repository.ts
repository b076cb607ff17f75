import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';

/** Where a resource's owner is recorded: code constants of the feature, never request input. */
export interface OwnerColumn {
  table: string;
  ownerColumn: string;
  /** The table hides deleted rows with deleted_at (TypeORM's soft delete). */
  softDeleted: boolean;
}

/** The access queries: one statement per check, batched over ids. */
@Injectable()
export class AccessRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The owner of each id that exists (and is not deleted); a missing id is absent. */
  async owners(where: OwnerColumn, ids: number[]): Promise<Map<number, number>> {
    const rows: { id: number; owner: number }[] = await this.db.tx.query(
      `SELECT id, ${where.ownerColumn} AS owner FROM ${where.table}
       WHERE id = ANY($1::int[])${where.softDeleted ? ' AND deleted_at IS NULL' : ''}`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.owner]));
  }
}
