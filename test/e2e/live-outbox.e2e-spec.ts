import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { aUser, anItem } from '../support/factories';
import { startNatsServer, type TestNatsServer } from '../support/nats-server';
import { closeAllStreams, openStream, type SseEvent, type SseStream } from '../support/sse';
import { startTestApp, type TestApp } from '../support/test-app';

type Message = { id: number; orderId: number; senderId: number; content: string; sentAt: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const listenOnAPort = async (t: TestApp) => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
};
/** Waits until `check` holds, up to 15 s. */
async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Waited 15 s for ${what}`);
    await sleep(50);
  }
}

const THREADS = 4;
const MESSAGES = 240;
/** Requests in flight at once, so writes through the three instances interleave and contend. */
const IN_FLIGHT = 8;

/** Three instances of the service on one database, each listening on a port of its own. */
async function aCluster(env: Record<string, string>) {
  const first = await startTestApp(env);
  const apps = [
    first,
    await startTestApp(env, { databaseUrl: first.url }),
    await startTestApp(env, { databaseUrl: first.url }),
  ];
  const bases = await Promise.all(apps.map(listenOnAPort));
  const [buyer, seller] = await Promise.all([aUser(first, 'buyer'), aUser(first, 'seller')]);
  const itemId = (await anItem(first, seller)).id;
  const anOrder = async (app = first): Promise<number> =>
    (await app.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice: 80 }).expect(201))
      .body.id;
  const close = async () => {
    closeAllStreams();
    for (const app of [...apps].reverse()) await app.close();
  };
  return { apps, bases, buyer, seller, anOrder, close };
}
type Cluster = Awaited<ReturnType<typeof aCluster>>;

const BASE_ENV = { DB_POOL_SIZE: '20', RATE_LIMIT_MESSAGES_PER_THREAD: '10000' };

/**
 * The outbox of thread events with no platform-wide lock: events of different orders commit in
 * parallel, get their positions once nothing older can still commit, and reach every
 * subscriber on every instance once, in commit order per thread, whether they travel through
 * PostgreSQL or through NATS JetStream.
 */
describe.each(['postgres', 'nats'] as const)('live events over %s', (transport) => {
  let c: Cluster;
  let nats: TestNatsServer | undefined;
  const stream = `ECHO_TEST_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    let env: Record<string, string> = BASE_ENV;
    if (transport === 'nats') {
      nats = await startNatsServer();
      env = { ...env, EVENTS_TRANSPORT: 'nats', NATS_URL: nats.url, NATS_STREAM: stream };
    }
    c = await aCluster(env);
  });
  afterAll(async () => {
    await c?.close();
    await nats?.close();
  });

  it(`three instances, ${THREADS} shared threads: every event reaches every subscriber once, in commit order per thread`, async () => {
    const { apps, bases, buyer, seller, anOrder } = c;
    const orders = await Promise.all(Array.from({ length: THREADS }, () => anOrder()));
    // On each instance: each thread's own stream, and the buyer's and the seller's streams.
    const subscribers: { name: string; stream: SseStream; threads: number[] }[] = [];
    for (const [i, base] of bases.entries()) {
      for (const id of orders) {
        const who = (i + id) % 2 ? buyer : seller;
        const stream = await openStream(`${base}/orders/${id}/events`, who.auth);
        subscribers.push({ name: `order ${id} on instance ${i}`, stream, threads: [id] });
      }
      for (const who of [buyer, seller]) {
        const stream = await openStream(`${base}/users/me/events`, who.auth);
        subscribers.push({ name: `user ${who.id} on instance ${i}`, stream, threads: orders });
      }
    }
    subscribers.forEach(({ stream }) => expect(stream.status).toBe(200));

    const posted = new Map<number, Message>();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < MESSAGES) {
          const i = next++;
          const app = apps[i % 3];
          const who = i % 2 ? buyer : seller;
          const res = await app.http
            .post(`/orders/${orders[i % THREADS]}/messages`)
            .set(who.auth)
            .send({ content: `message ${i}` })
            .expect(201);
          posted.set(res.body.id, res.body);
        }
      }),
    );
    expect(posted.size).toBe(MESSAGES);
    for (const { name, stream, threads } of subscribers) {
      const want = [...posted.values()].filter((m) => threads.includes(m.orderId));
      // A bound only so that a lost event fails the test instead of hanging it.
      const events = await stream.waitFor(want.length, 30_000);
      await sleep(200); // a duplicate would arrive by now
      const got = events.map((e) => JSON.parse(e.data) as Message);
      expect({ name, count: got.length }).toEqual({ name, count: want.length });
      // Exactly once each: the same messages, none twice.
      expect({ name, ids: got.map((m) => m.id).sort((x, y) => x - y) }).toEqual({
        name,
        ids: want.map((m) => m.id).sort((x, y) => x - y),
      });
      // Positions only grow on a stream (Last-Event-ID resumes there).
      const positions = events.map((e) => Number(e.id));
      expect({ name, ascending: positions }).toEqual({
        name,
        ascending: [...positions].sort((x, y) => x - y),
      });
      // In commit order per thread: a message's id is taken under its order's lock, so one
      // thread's messages committed in the order of their ids.
      for (const id of threads) {
        const thread = got.filter((m) => m.orderId === id).map((m) => m.id);
        expect({ name, id, thread }).toEqual({
          name,
          id,
          thread: [...thread].sort((x, y) => x - y),
        });
      }
    }
    if (nats) {
      // They travelled through JetStream: the relay published each once.
      const nc = await connect({ servers: nats.url });
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(stream);
      await nc.close();
      expect(info.state.messages).toBeGreaterThanOrEqual(MESSAGES);
    }
  });

  if (transport === 'nats') {
    it('goes on through a NATS restart: streams end, and resume from the outbox by position', async () => {
      const { apps, bases, buyer, seller, anOrder } = c;
      const order = await anOrder();
      const url = (i: number) => `${bases[i]}/orders/${order}/events`;
      const post = (i: number, n: number) =>
        apps[i % 3].http
          .post(`/orders/${order}/messages`)
          .set(i % 2 ? buyer.auth : seller.auth)
          .send({ content: `message ${n}` })
          .expect(201);
      const streams = await Promise.all([0, 1, 2].map((i) => openStream(url(i), buyer.auth)));
      for (let n = 0; n < 6; n++) await post(n, n);
      const before = await Promise.all(streams.map((s) => s.waitFor(6, 15_000)));

      await nats!.stop();
      // Writes do not need NATS: they land in the outbox.
      for (let n = 6; n < 12; n++) await post(n, n);
      await nats!.start();
      // Each client resumes where it was, from the outbox, and goes on live.
      const resumed = await Promise.all(
        [0, 1, 2].map(async (i) => {
          const last = before[i].at(-1)!.id!;
          // The instance ends the stream when it sees NATS go (its client then reconnects);
          // a reconnect made while NATS is still away is ended at once, so keep trying.
          for (;;) {
            const s = await openStream(url(i), { ...buyer.auth, 'Last-Event-ID': last });
            const got = await s.waitFor(6, 5_000).catch(() => null);
            if (got) return s;
            s.close();
          }
        }),
      );
      for (let n = 12; n < 18; n++) await post(n, n);
      for (const [i, s] of resumed.entries()) {
        const events: SseEvent[] = [...before[i], ...(await s.waitFor(12, 20_000))];
        await sleep(200);
        const contents = events.map((e) => (JSON.parse(e.data) as Message).content);
        expect({ i, contents }).toEqual({
          i,
          contents: Array.from({ length: 18 }, (_, n) => `message ${n}`),
        });
      }
    });
  }
});

/** The outbox itself: positions, late committers, and what writes wait for. */
describe('live events: the outbox', () => {
  let c: Cluster;

  beforeAll(async () => {
    c = await aCluster(BASE_ENV);
  });
  afterAll(() => c?.close());

  const seqOf = async (eventId: number): Promise<number | null> => {
    const { rows } = await c.apps[0].sql.query('SELECT seq FROM thread_events WHERE id = $1', [
      eventId,
    ]);
    return rows[0].seq === null ? null : Number(rows[0].seq);
  };

  it('never skips a late committer: a reader from before both sees both, in order', async () => {
    const { bases, buyer, anOrder } = c;
    const [first, second] = [await anOrder(), await anOrder()];
    const db = c.apps[0].sql;
    const { rows: before } = await db.query(
      'SELECT COALESCE(max(seq), 0)::int AS seq FROM thread_events',
    );
    const insert = `INSERT INTO thread_events (type, order_id, dispute_id, buyer_id, seller_id, payload)
      SELECT 'message.created', id, NULL, buyer_id, seller_id, json_build_object('n', $2::int)
      FROM orders WHERE id = $1 RETURNING id`;
    const early = await db.connect();
    const late = await db.connect();
    try {
      // The first transaction takes the lower id but commits last.
      await early.query('BEGIN');
      const lowId = Number((await early.query(insert, [first, 1])).rows[0].id);
      await late.query('BEGIN');
      const highId = Number((await late.query(insert, [second, 2])).rows[0].id);
      expect(highId).toBeGreaterThan(lowId);
      await late.query('COMMIT');
      // Several sequencing rounds pass: the committed event waits for the older transaction.
      await sleep(500);
      expect(await seqOf(highId)).toBeNull();
      await early.query('COMMIT');
      await until(async () => (await seqOf(highId)) !== null, 'the positions');
      const [low, high] = [await seqOf(lowId), await seqOf(highId)];
      expect(low).not.toBeNull();
      expect(low!).toBeGreaterThan(before[0].seq);
      expect(high!).toBeGreaterThan(low!);
    } finally {
      early.release();
      late.release();
    }
    // A reader replaying from before both gets both, the late committer first.
    const replay = await openStream(`${bases[1]}/users/me/events`, {
      ...buyer.auth,
      'Last-Event-ID': String(before[0].seq),
    });
    const events = await replay.waitFor(2, 10_000);
    expect(events.map((e) => JSON.parse(e.data))).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('no platform-wide wait: 32 posts on 32 orders at once queue on no shared lock', async () => {
    const { apps, buyer, seller, anOrder } = c;
    const orders = await Promise.all(Array.from({ length: 32 }, (_, i) => anOrder(apps[i % 3])));
    const db = apps[0].sql;
    // Samples of pg_locks while the posts run: an advisory lock, or the lock on the
    // notification queue (an object lock on database 0), with two or more waiters.
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await db.query(
          `SELECT count(*)::int AS crowded FROM (
             SELECT 1 FROM pg_locks
             WHERE NOT granted
               AND (locktype = 'advisory' OR (locktype = 'object' AND database = 0))
             GROUP BY locktype, database, classid, objid, objsubid
             HAVING count(*) >= 2) c`,
        );
        samples.push(rows[0].crowded);
      }
    })();
    try {
      for (let round = 0; round < 5; round++) {
        await Promise.all(
          orders.map((id, i) =>
            apps[i % 3].http
              .post(`/orders/${id}/messages`)
              .set(i % 2 ? buyer.auth : seller.auth)
              .send({ content: `round ${round}` })
              .expect(201),
          ),
        );
      }
    } finally {
      sampling = false;
      await sampler;
    }
    const crowded = samples.filter((n) => n > 0).length;
    console.log(
      `lock sampler: ${samples.length} samples of pg_locks during 160 posts on 32 orders; ` +
        `${crowded} (${((100 * crowded) / samples.length).toFixed(1)}%) with an advisory or ` +
        'notification-queue lock that 2 or more sessions waited for',
    );
    expect(samples.length).toBeGreaterThan(20);
    expect(crowded / samples.length).toBeLessThanOrEqual(0.05);
  });
});
