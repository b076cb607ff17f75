import type { TestApp } from './test-app';

/** Resolves once `n` statements of this file's database wait on a lock. */
export async function lockWaiters(t: TestApp, n: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const { rows } = await t.sql.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n >= n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${n} requests never queued behind the gate`);
}

/**
 * Sends `n` requests at once and makes them really meet in the database: an uncommitted write
 * (`gate`, e.g. a conflicting row) holds every one of them on a lock until all `n` wait there,
 * then rolling it back releases them together.
 */
export async function raceBehindGate<T>(
  t: TestApp,
  gate: { sql: string; params: unknown[] },
  n: number,
  send: () => PromiseLike<T>,
): Promise<T[]> {
  const client = await t.sql.connect();
  let responses: Promise<T[]>;
  try {
    await client.query('BEGIN');
    await client.query(gate.sql, gate.params);
    responses = Promise.all(Array.from({ length: n }, () => Promise.resolve(send())));
    await lockWaiters(t, n);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
  return responses;
}
