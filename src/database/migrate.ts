import { DataSource } from 'typeorm';
import { dataSourceOptions, type PoolSettings } from '../../ormconfig';

/** One connection, and no statement or query timeout: a migration may rewrite a large table. */
const MIGRATION_POOL: PoolSettings = {
  DB_POOL_SIZE: 1,
  DB_CONNECT_TIMEOUT_MS: 10_000,
  DB_STATEMENT_TIMEOUT_MS: 0,
  DB_QUERY_TIMEOUT_MS: 0,
};

/** Advisory lock key held while migrating, so instances starting together migrate once. */
const MIGRATION_LOCK = 7_347_760;

/**
 * Applies pending migrations. Several instances may start at the same moment; the first takes
 * the lock and migrates, the others wait for it and then find nothing left to do.
 */
export async function migrate(url: string): Promise<number> {
  const ds = await new DataSource(dataSourceOptions(url, MIGRATION_POOL)).initialize();
  try {
    await ds.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return (await ds.runMigrations({ transaction: 'each' })).length;
    } finally {
      await ds.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await ds.destroy();
  }
}
