import 'reflect-metadata';
import type { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './src/database/snake-naming.strategy';

/**
 * The one description of ECHO's database, used by the app (through TypeOrmModule), by the
 * scripts under scripts/ and by the TypeORM CLI. Entities and migrations are found by glob so
 * that the same file works from TypeScript sources (tests) and from the compiled dist/.
 */
export function dataSourceOptions(url: string, overrides: Partial<DataSourceOptions> = {}) {
  return {
    type: 'postgres',
    url,
    entities: [join(__dirname, 'src', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: Number(process.env.DB_POOL_SIZE ?? 10),
      // A request waits at most this long for a free connection, then fails fast (503).
      connectionTimeoutMillis: Number(process.env.DB_CONNECT_TIMEOUT_MS ?? 3_000),
      // Statements must not hang a request forever; a stuck query fails and is reported.
      statement_timeout: Number(process.env.DB_STATEMENT_TIMEOUT_MS ?? 30_000),
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
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'),
);
