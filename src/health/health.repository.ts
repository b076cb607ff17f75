import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';

/** The readiness probe's one statement. */
@Injectable()
export class HealthRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Whether the database answers a trivial query. */
  async isReachable(): Promise<boolean> {
    try {
      await this.db.tx.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
