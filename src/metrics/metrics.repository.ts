import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';

export interface PoolUsage {
  /** Connections checked out of the pool. */
  inUse: number;
  /** Requests waiting for a connection. */
  waiting: number;
}

/** What the metrics read of the database: the connection pool behind the DataSource. */
@Injectable()
export class MetricsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  poolUsage(): PoolUsage {
    // TypeORM's postgres driver keeps its pg Pool as `master`; absent before it connects.
    const pool = (this.db.tx.connection.driver as unknown as { master?: Pool }).master;
    return pool
      ? { inUse: pool.totalCount - pool.idleCount, waiting: pool.waitingCount }
      : { inUse: 0, waiting: 0 };
  }
}
