import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { LISTENER_APPLICATION_NAME } from '../../src/live/live-events';
import { cloneTemplate } from '../support/databases';
import { aUser, anItem, type TestUser } from '../support/factories';
import { closeAllStreams, eventually, openStream, type SseStream } from '../support/sse';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { ok, WriteLoad } from '../support/write-load';

const CONNECT_TIMEOUT_MS = 1_000;
const STATEMENT_TIMEOUT_MS = 2_000;
const QUERY_TIMEOUT_MS = 3_000;
const LISTEN_CHECK_MS = 500;
/**
 * How long a request may take to fail while the network is silent. It waits at most
 * DB_CONNECT_TIMEOUT_MS for a connection (a new one gets no answer to its start-up either), then
 * at most DB_QUERY_TIMEOUT_MS for the answer to a query; the first unanswered query fails the
 * request, and its connection is cut so that the ROLLBACK does not wait again. Plus slack for a
 * loaded machine (two cores, shared).
 */
const FAIL_BOUND_MS = CONNECT_TIMEOUT_MS + QUERY_TIMEOUT_MS + 2_000;
/** A LISTEN connection that stopped answering is noticed within two checks. */
const STREAM_END_BOUND_MS = 2 * LISTEN_CHECK_MS + 1_500;
/** The client's patience: a request unanswered this long is a hang (status 0). */
const HANG_MS = 15_000;
/** From "the network forwards again" to the first write that succeeds. */
const RECOVERY_BUDGET_MS = 5_000;

jest.setTimeout(60_000);

/**
 * The network between the service and PostgreSQL goes silent: a TCP proxy stops forwarding in
 * both directions, yet no connection closes (a partition, a hung server or load balancer).
 * statement_timeout cannot help (the server never hears of the query); the client-side query
 * timeout, the connect timeout and the LISTEN connection's check bound every wait.
 */
describe('faults: the network to PostgreSQL goes silent', () => {
  let db: Awaited<ReturnType<typeof cloneTemplate>>;
  let proxy: TcpProxy;
  let direct: Pool;
  let t: TestApp;
  let base: string;
  let buyer: TestUser, seller: TestUser;
  let itemId: number;
  let orderId: number;

  beforeAll(async () => {
    db = await cloneTemplate();
    const server = new URL(db.url);
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port) });
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    // Assertions read the database directly, not through the proxy.
    direct = new Pool({ connectionString: db.url, max: 2 });
    // Dropping the database WITH (FORCE) ends connections that may still be closing.
    direct.on('error', () => undefined);
    t = await startTestApp(
      {
        DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
        DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        DB_LISTEN_CHECK_MS: String(LISTEN_CHECK_MS),
        // Rate-limit counters in PostgreSQL: that path must not hang either.
        RATE_LIMIT_STORE: 'postgres',
      },
      { databaseUrl: proxied.toString() },
    );
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    [buyer, seller] = await Promise.all([aUser(t, 'buyer'), aUser(t, 'seller')]);
    itemId = (await anItem(t, seller)).id;
    orderId = (
      await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice: 25 }).expect(201)
    ).body.id;
  });
  afterEach(() => {
    closeAllStreams();
    proxy.resume();
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await direct?.end();
    await db?.drop();
  });

  const listeners = async (): Promise<number> =>
    (
      await direct.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`,
        [new URL(db.url).pathname.slice(1), LISTENER_APPLICATION_NAME],
      )
    ).rows[0].n;
  const settles = async (check: () => Promise<boolean>, what: string, ms: number) => {
    for (const until = performance.now() + ms; !(await check());) {
      if (performance.now() > until)
        throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('fails requests within the timeouts, ends open streams, recovers, and loses no acknowledged write', async () => {
    await settles(async () => (await listeners()) === 1, 'the LISTEN connection', 5_000);
    const stream = await openStream(`${base}/orders/${orderId}/events`, buyer.auth);
    expect(stream.status).toBe(200);
    const load = new WriteLoad(t, { buyer, itemId, orderId }, HANG_MS);
    const acknowledgedSince = (at: number) =>
      load.tries().filter((s) => s.start >= at && ok(s)).length;
    const failed = (s: { status: number }) => s.status === 503;
    load.start(8);

    await eventually(() => acknowledgedSince(0) >= 20, 'writes before the silence', 20_000);
    const silentAt = performance.now();
    proxy.silence();
    await eventually(() => stream.ended, 'the open stream to end', STREAM_END_BOUND_MS + 1_000);
    const streamEndedMs = performance.now() - silentAt;
    // Silent until every request caught in flight has been answered, and new ones were refused.
    await eventually(
      () =>
        !load.waitingSince(silentAt) &&
        load.tries().filter((s) => s.start > silentAt && failed(s)).length >= 10,
      'requests in flight and new ones to fail while the network is silent',
      FAIL_BOUND_MS + HANG_MS,
    );
    const resumedAt = performance.now();
    proxy.resume();
    const [, liveRecoveryMs] = await Promise.all([
      eventually(
        () => acknowledgedSince(resumedAt) >= 10,
        'writes to succeed again once the network is back',
        RECOVERY_BUDGET_MS + HANG_MS,
      ),
      liveEventsFlowAgain(resumedAt),
    ]);
    await load.stop();
    await load.settle(20_000);
    // The connections cut during the silence are gone; one LISTEN connection, as before.
    await settles(async () => (await listeners()) === 1, 'a single LISTEN connection', 5_000);

    const audit = await load.audit(direct);
    const tries = load.tries();
    const recoveryMs = load.firstSuccessAfter(resumedAt)!.end - resumedAt;
    const slowestFailedMs = Math.max(...audit.failedTries.map((s) => s.end - s.start));
    console.log(
      `faults (partition): ${audit.sent} writes sent, ${audit.acknowledged.length} acknowledged ` +
        `(${audit.acknowledgedOnRetry.length} of them by an idempotent retry), ` +
        `${audit.lost.length} lost, ${audit.duplicated.length} duplicated; ` +
        `${audit.failedTries.length} failed tries ` +
        `(${audit.refusedYetStored.length} unkeyed 503s committed anyway); ` +
        `network silent ${Math.round(resumedAt - silentAt)} ms; open stream ended after ` +
        `${Math.round(streamEndedMs)} ms; recovery (network back -> first success) ` +
        `${Math.round(recoveryMs)} ms, live events ${Math.round(liveRecoveryMs)} ms; ` +
        `slowest failed request ${Math.round(slowestFailedMs)} ms`,
    );

    const firstTries = load.writes.map((w) => w.tries[0]);
    expect([...new Set(firstTries.map((s) => s.status))].sort()).toEqual([201, 503]);
    for (const s of tries.filter((s) => !ok(s))) {
      expect([503, 409]).toContain(s.status);
      expect(s.code).toBe(s.status === 503 ? 'SERVICE_UNAVAILABLE' : 'IDEMPOTENCY_KEY_IN_USE');
      if (s.status === 503) expect(s.message).toMatch(/database/i);
    }
    expect(slowestFailedMs).toBeLessThan(FAIL_BOUND_MS);
    // Requests whose connection went silent under them were released by the query timeout.
    expect(slowestFailedMs).toBeGreaterThanOrEqual(QUERY_TIMEOUT_MS * 0.9);
    expect(streamEndedMs).toBeLessThan(STREAM_END_BOUND_MS);
    expect(recoveryMs).toBeLessThan(RECOVERY_BUDGET_MS);
    expect(liveRecoveryMs).toBeLessThan(RECOVERY_BUDGET_MS);
    expect(audit.lost).toEqual([]);
    expect(audit.duplicated).toEqual([]);
    expect(audit.acknowledgedOnRetry.length).toBeGreaterThan(0);
    for (const w of audit.acknowledgedOnRetry) expect(audit.rowsOf(w)).toHaveLength(1);
    expect(load.writes.filter((w) => w.key && !w.tries.some(ok))).toEqual([]);
  });

  /**
   * From `since`, opens streams until one receives a new message: a stream opened while the bus
   * is still reconnecting is ended at once (its client would reconnect), never left deaf.
   * Returns the time from `since` to the first message received.
   */
  const liveEventsFlowAgain = async (since: number): Promise<number> => {
    for (let attempt = 1; performance.now() - since < RECOVERY_BUDGET_MS + HANG_MS; attempt++) {
      const s: SseStream = await openStream(`${base}/orders/${orderId}/events`, buyer.auth);
      const sent =
        s.status === 200
          ? await t.http
              .post(`/orders/${orderId}/messages`)
              .set(seller.auth)
              .send({ content: `after the silence ${attempt}` })
          : undefined;
      if (sent?.status === 201) {
        const received = () => s.events.some((e) => JSON.parse(e.data).id === sent.body.id);
        await eventually(() => s.ended || received(), 'the message, or the stream to end', 3_000);
        if (received()) {
          s.close();
          return performance.now() - since;
        }
      }
      s.close();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('Live events did not flow again');
  };

  it.each([
    ['an order', () => ({ path: '/orders', body: { itemId, finalPrice: 77.77 } })],
    ['a message', () => ({ path: `/orders/${orderId}/messages`, body: { content: 'said once' } })],
  ])(
    'a 503 for %s whose COMMIT went through is resolved by a retry with its Idempotency-Key: one row',
    async (_what, request) => {
      const { path, body } = request();
      const key = `commit-reply-lost-${path}`;
      const send = () =>
        t.http.post(path).set(buyer.auth).set('Idempotency-Key', key).send(body).timeout(HANG_MS);
      const rows = async () =>
        (
          await direct.query<{ id: number }>(
            path === '/orders'
              ? 'SELECT id FROM orders WHERE item_id = $1 AND final_price_cents = 7777'
              : 'SELECT id FROM order_messages WHERE order_id = $1 AND content = $2',
            path === '/orders' ? [itemId] : [orderId, 'said once'],
          )
        ).rows.map((r) => r.id);

      const trap = proxy.swallowNextCommitReply();
      const started = performance.now();
      const first = await send();
      const tookMs = performance.now() - started;
      await trap;
      // The server committed, but its answer never came: the client was told 503, and that the
      // change may have been saved.
      expect(first.status).toBe(503);
      expect(first.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(first.body.message).toMatch(/may have been saved.*same Idempotency-Key/);
      expect(tookMs).toBeLessThan(FAIL_BOUND_MS);
      const committed = await rows();
      expect(committed).toHaveLength(1);

      proxy.resume();
      const retry = await send();
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body.id).toBe(committed[0]);
      expect(await rows()).toEqual(committed);
    },
  );
});
