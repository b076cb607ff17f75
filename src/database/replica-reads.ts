import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Global, Injectable, Module } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { Pool } from 'pg';

/**
 * Reads that may be served by a streaming replica (DATABASE_REPLICA_URLS): public reads that
 * tolerate a little lag. Inside a unit of work (a write request) they stay in its transaction,
 * on the primary; without replicas they go to the primary's pool as any read does.
 */
@Injectable()
export class ReplicaReads {
  private served = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly host: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  get configured(): boolean {
    return (this.dataSource.options as PostgresConnectionOptions).replication !== undefined;
  }

  async run<T>(read: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.configured || this.host.isTransactionActive()) return read(this.host.tx);
    const runner = this.dataSource.createQueryRunner('slave');
    try {
      const result = await read(runner.manager);
      this.served++;
      return result;
    } finally {
      await runner.release();
    }
  }

  /** Reads served by a replica since the start (for metrics). */
  servedByReplicas(): number {
    return this.served;
  }

  /**
   * Whether every replica is a standby, each asked `pg_is_in_recovery()` on its own pool: the
   * proof that replica reads go where they should. Null without replicas.
   */
  async replicasInRecovery(): Promise<boolean | null> {
    if (!this.configured) return null;
    const pools = (this.dataSource.driver as PostgresDriver).slaves as Pool[];
    const answers = await Promise.all(
      pools.map(async (pool) => {
        const { rows } = await pool.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
        return rows[0].r;
      }),
    );
    return answers.every(Boolean);
  }
}

/** ReplicaReads for every feature's repositories, like the DataSource itself. */
@Global()
@Module({ providers: [ReplicaReads], exports: [ReplicaReads] })
export class ReplicaReadsModule {}
