import type { PoolClient } from 'pg';
import type { TestApp } from './test-app';

/**
 * Resolves once `n` statements wait on `gate`'s locks, directly or behind another waiter (a
 * message queued on a row that a waiting status change holds). Counting only what the gate holds
 * up keeps unrelated waits elsewhere in the database (background jobs) from being taken for
 * requests that have reached it.
 */
export async function lockWaiters(t: TestApp, gate: PoolClient, n: number): Promise<void> {
  const { rows: me } = await gate.query('SELECT pg_backend_pid() AS pid');
  for (let i = 0; i < 400; i++) {
    const { rows } = await t.sql.query(
      `WITH RECURSIVE behind(pid) AS (
         SELECT a.pid FROM pg_stat_activity a WHERE $1::int = ANY(pg_blocking_pids(a.pid))
         UNION
         SELECT a.pid FROM pg_stat_activity a, behind b WHERE b.pid = ANY(pg_blocking_pids(a.pid))
       )
       SELECT count(*)::int AS n FROM behind`,
      [me[0].pid],
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
    await lockWaiters(t, client, n);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
  return responses;
}
