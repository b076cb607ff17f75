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

/**
 * Where the two parties of a resource are recorded (an order's buyer and seller): on its own
 * row, or on the row that its `via.key` column points to. Code constants of the feature.
 */
export interface PartyColumns {
  table: string;
  parties: readonly [string, string];
  via?: { table: string; key: string };
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

  /** The two parties of each id that exists; a missing id is absent. */
  async parties(where: PartyColumns, ids: number[]): Promise<Map<number, [number, number]>> {
    const [first, second] = where.parties;
    const from = where.via
      ? `${where.table} r JOIN ${where.via.table} p ON p.id = r.${where.via.key}`
      : `${where.table} r`;
    const p = where.via ? 'p' : 'r';
    const rows: { id: number; first_party: number; second_party: number }[] =
      await this.db.tx.query(
        `SELECT r.id, ${p}.${first} AS first_party, ${p}.${second} AS second_party
         FROM ${from} WHERE r.id = ANY($1::int[])`,
        [ids],
      );
    return new Map(rows.map((r) => [r.id, [r.first_party, r.second_party]]));
  }
}
