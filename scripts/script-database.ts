import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../ormconfig';
import { validateEnv } from '../src/config/env.validation';
import { resolveDatabase } from '../src/database/embedded-database';
import { migrate } from '../src/database/migrate';

/**
 * For command-line scripts: the service's database (DATABASE_URL or the embedded one in
 * DATA_DIR), migrated, with a DataSource on it. `run` stops everything afterwards.
 */
export async function withMigratedDatabase<T>(run: (ds: DataSource) => Promise<T>): Promise<T> {
  const env = validateEnv(process.env);
  const database = await resolveDatabase(env);
  try {
    await migrate(database.url);
    const ds = await new DataSource(dataSourceOptions(database.url, env)).initialize();
    try {
      return await run(ds);
    } finally {
      await ds.destroy();
    }
  } finally {
    await database.stop();
  }
}

/** `--name value` pairs from argv. */
export function flags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    out[m[1]] = m[2] ?? argv[++i] ?? '';
  }
  return out;
}

export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
