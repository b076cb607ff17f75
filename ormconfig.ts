import 'reflect-metadata';
import type { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { queryTimeout, validateEnv, type EnvironmentVariables } from './src/config/env.validation';
import { BoundedClient } from './src/database/bounded-client';
import { SnakeNamingStrategy } from './src/database/snake-naming.strategy';

/** The pool settings of the environment (validated once, by the caller). */
export type PoolSettings = Pick<
  EnvironmentVariables,
  'DB_POOL_SIZE' | 'DB_CONNECT_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS' | 'DB_QUERY_TIMEOUT_MS'
>;

/**
 * The one description of ECHO's database, used by the app (through TypeOrmModule), by the
 * scripts under scripts/ and by the TypeORM CLI. Entities and migrations are found by glob so
 * that the same file works from TypeScript sources (tests) and from the compiled dist/.
 */
export function dataSourceOptions(
  url: string,
  pool: PoolSettings,
  overrides: Partial<DataSourceOptions> = {},
  replicaUrls: string[] = [],
) {
  return {
    type: 'postgres',
    url,
    // With replicas, TypeORM keeps a pool per server; queries go to the primary unless a query
    // runner is asked for a replica (ReplicaReads). `url` stays the primary's for the
    // connections made outside TypeORM's pools (LISTEN, jobs).
    ...(replicaUrls.length > 0 && {
      replication: {
        master: { url },
        slaves: replicaUrls.map((replica) => ({ url: replica })),
        defaultMode: 'master',
      },
    }),
    entities: [join(__dirname, 'src', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: pool.DB_POOL_SIZE,
      // A request waits at most this long for a free connection, then fails fast (503).
      connectionTimeoutMillis: pool.DB_CONNECT_TIMEOUT_MS,
      // Statements must not hang a request forever; a stuck query fails and is reported.
      statement_timeout: pool.DB_STATEMENT_TIMEOUT_MS,
      // The server cannot cancel what it never hears of: when the network or the server goes
      // silent, the client stops waiting after this long, and BoundedClient drops the connection.
      query_timeout: queryTimeout(pool),
      Client: BoundedClient,
      // pg-pool hands a new connection to TypeORM with no 'error' listener until TypeORM's own is
      // attached a tick later. A server that kills the session right as it starts (failover,
      // pg_terminate_backend) sends the FATAL error with the ready message; emitted with no
      // listener it would be an uncaught exception that ends the process. This listener stays
      // for the connection's life; the pool and TypeORM still see and handle the error.
      onConnect: (client: EventEmitter) => void client.on('error', () => undefined),
    },
    ...overrides,
  } as DataSourceOptions;
}

/**
 * Default export for the TypeORM CLI (`typeorm -d dist/ormconfig.js ...`). The npm scripts
 * `migration:*` set DATABASE_URL (starting the embedded database when none is configured)
 * before they call the CLI.
 */
const cliEnv = validateEnv(process.env);
export default new DataSource(
  dataSourceOptions(cliEnv.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', cliEnv),
);
