import { join } from 'node:path';
import {
  ensureDatabase,
  startEmbeddedPostgres,
  type DatabaseHandle,
} from '../src/database/embedded-database';
import type { Shape } from './config';

/**
 * The benchmark's database: BENCH_DATABASE_URL as given (created when missing), or an embedded
 * PostgreSQL kept in ./.data-bench, with one database per shape so the full and the quick data
 * sets never meet. The seed marker (bench_meta) also records the shape and refuses a mix-up.
 */
export async function openBenchDatabase(root: string, shape: Shape): Promise<DatabaseHandle> {
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    await ensureDatabase(url);
    return { url, embedded: false, stop: () => Promise.resolve() };
  }
  return startEmbeddedPostgres({
    dataDir: join(root, '.data-bench'),
    persistent: true,
    database: shape.name === 'full' ? 'echo_bench' : 'echo_bench_quick',
  });
}

/** The URL without its password, for reports. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
