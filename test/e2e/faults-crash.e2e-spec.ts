import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import { migrate } from '../../src/database/migrate';
import { startCrashablePostgres, type CrashablePostgres } from '../support/crashable-postgres';
import { withDatabase } from '../support/databases';
import { aUser, anItem, type TestUser } from '../support/factories';
import { eventually } from '../support/sse';
import { startTestApp, type TestApp } from '../support/test-app';
import { ok, WriteLoad } from '../support/write-load';

const CONNECT_TIMEOUT_MS = 1_000;
/**
 * How long a request may take to fail while PostgreSQL is down. A crashed server refuses new
 * connections at once and its sessions end as soon as they notice the postmaster is gone, so a
 * request fails as soon as it needs the database; the slowest path is waiting for a connection,
 * DB_CONNECT_TIMEOUT_MS. The rest is slack for a loaded machine (two cores, shared).
 */
const FAIL_FAST_MS = CONNECT_TIMEOUT_MS + 2_000;
/** The client's patience: a request unanswered this long is a hang (status 0). */
const HANG_MS = 10_000;
/** From "the database accepts connections again" to the first write that succeeds. */
const RECOVERY_BUDGET_MS = 5_000;

// Creating a cluster (initdb) and migrating it takes a while on a busy machine.
jest.setTimeout(60_000);

/**
 * PostgreSQL crashes under write load: its postmaster is killed with SIGKILL, and the cluster
 * is started again on the same folder and port (crash recovery from the WAL). The cluster is one
 * of this test's own, never the shared server.
 */
describe('faults: PostgreSQL crashes and restarts', () => {
  let pg: CrashablePostgres;
  let url: string;
  let t: TestApp;
  let buyer: TestUser;
  let itemId: number;
  let orderId: number;

  beforeAll(async () => {
    pg = await startCrashablePostgres();
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('CREATE DATABASE echo');
    await admin.end();
    url = withDatabase(pg.url, 'echo');
    await migrate(url);
    t = await startTestApp(
      { DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) },
      { databaseUrl: url },
    );
    // Listening for the whole test, as a deployed service does: supertest would otherwise open
    // and close the server around requests, and queue new ones while it closes.
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    let seller: TestUser;
    [buyer, seller] = await Promise.all([aUser(t, 'buyer'), aUser(t, 'seller')]);
    itemId = (await anItem(t, seller)).id;
    orderId = (
      await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice: 25 }).expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await t?.close();
    await pg?.destroy();
  });

  it('answers 503 fast while it is down, recovers without a restart, and loses no acknowledged write', async () => {
    const load = new WriteLoad(t, { buyer, itemId, orderId }, HANG_MS);
    const acknowledgedSince = (at: number) =>
      load.tries().filter((s) => s.start >= at && ok(s)).length;
    const refusedSince = (at: number) =>
      load.tries().filter((s) => s.start >= at && s.status === 503).length;
    load.start(8);

    await eventually(() => acknowledgedSince(0) >= 20, 'writes before the crash', 20_000);
    const crashAt = performance.now();
    await pg.crash();
    await eventually(() => refusedSince(crashAt) >= 20, '503s while the database is down', 10_000);
    await pg.restart();
    const backAt = performance.now();
    await eventually(
      () => acknowledgedSince(backAt) >= 10,
      'writes to succeed again after the restart',
      RECOVERY_BUDGET_MS + HANG_MS,
    );
    await load.stop();
    // Clients retry what failed with the same Idempotency-Key.
    await load.settle(20_000);

    const sql = new Pool({ connectionString: url, max: 2 });
    // Its clients may hear the server stop in afterAll while they close (pool.end() does not
    // wait for their sockets); unheard, that error would fail whatever test runs then.
    sql.on('error', () => undefined);
    const audit = await load.audit(sql).finally(() => sql.end());
    const tries = load.tries();
    const firstTries = load.writes.map((w) => w.tries[0]);
    const recoveryMs = load.firstSuccessAfter(backAt)!.end - backAt;
    const slowestFailedMs = Math.max(...audit.failedTries.map((s) => s.end - s.start));
    console.log(
      `faults (crash): ${audit.sent} writes sent, ${audit.acknowledged.length} acknowledged ` +
        `(${audit.acknowledgedOnRetry.length} of them by an idempotent retry), ` +
        `${audit.lost.length} lost, ${audit.duplicated.length} duplicated; ` +
        `${audit.failedTries.length} failed tries ` +
        `(${audit.refusedYetStored.length} unkeyed 503s committed anyway); ` +
        `database down ${Math.round(backAt - crashAt)} ms; ` +
        `recovery (database back -> first success) ${Math.round(recoveryMs)} ms; ` +
        `slowest failed request ${Math.round(slowestFailedMs)} ms`,
    );

    // A first try either succeeded or got 503; never a 500, a hang or a cut connection (0).
    expect([...new Set(firstTries.map((s) => s.status))].sort()).toEqual([201, 503]);
    // A retry may also find its first try still being rolled back (409, retry shortly).
    for (const s of tries.filter((s) => !ok(s))) {
      expect([503, 409]).toContain(s.status);
      expect(s.code).toBe(s.status === 503 ? 'SERVICE_UNAVAILABLE' : 'IDEMPOTENCY_KEY_IN_USE');
      if (s.status === 503) expect(s.message).toMatch(/database/i);
    }
    expect(slowestFailedMs).toBeLessThan(FAIL_FAST_MS);
    expect(recoveryMs).toBeLessThan(RECOVERY_BUDGET_MS);
    // Every acknowledged write is there, as the row that was acknowledged; nothing twice.
    expect(audit.lost).toEqual([]);
    expect(audit.duplicated).toEqual([]);
    // Keyed writes refused during the outage were acknowledged by a retry, each exactly once.
    expect(audit.acknowledgedOnRetry.length).toBeGreaterThan(0);
    for (const w of audit.acknowledgedOnRetry) expect(audit.rowsOf(w)).toHaveLength(1);
    expect(load.writes.filter((w) => w.key && !w.tries.some(ok))).toEqual([]);
  });
});
