import type { AddressInfo } from 'node:net';
import { aUser, anItem, countRows, type TestUser } from '../support/factories';
import { closeAllStreams, openStream, type SseStream } from '../support/sse';
import { startTestApp, type TestApp } from '../support/test-app';

type Message = { id: number; orderId: number; senderId: number; content: string; sentAt: string };

const MESSAGES = 200;
/** Requests in flight at once, so writes through the two instances interleave and contend. */
const IN_FLIGHT = 4;

const listenOnAPort = async (t: TestApp) => {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
};

/** Two instances of the service on one database: events cross from one to the other. */
describe('live events across two instances', () => {
  let a: TestApp, b: TestApp;
  let baseA: string, baseB: string;

  beforeAll(async () => {
    // 200 messages from two users on one thread: far above the per-thread flood limit, which
    // is not what this test is about.
    const env = { DB_POOL_SIZE: '20', RATE_LIMIT_MESSAGES_PER_THREAD: '1000' };
    a = await startTestApp(env);
    b = await startTestApp(env, { databaseUrl: a.url });
    [baseA, baseB] = [await listenOnAPort(a), await listenOnAPort(b)];
  });
  afterAll(async () => {
    closeAllStreams();
    await b?.close();
    await a?.close();
  });

  it(`${MESSAGES} messages posted round-robin reach a subscriber on each instance: all, once, in order`, async () => {
    const [buyer, seller] = await Promise.all([aUser(a, 'buyer'), aUser(b, 'seller')]);
    const itemId = (await anItem(b, seller)).id;
    const order = (
      await a.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice: 80 }).expect(201)
    ).body;
    const subscribers: [string, SseStream][] = [
      ['order stream on A', await openStream(`${baseA}/orders/${order.id}/events`, buyer.auth)],
      ['order stream on B', await openStream(`${baseB}/orders/${order.id}/events`, seller.auth)],
      ["buyer's stream on B", await openStream(`${baseB}/users/me/events`, buyer.auth)],
      ["seller's stream on A", await openStream(`${baseA}/users/me/events`, seller.auth)],
    ];
    subscribers.forEach(([, s]) => expect(s.status).toBe(200));

    const posted = new Map<number, Message>();
    const post = async (i: number) => {
      // Instances alternate per message; each instance gets both senders.
      const [app, who]: [TestApp, TestUser] = [i % 2 ? b : a, i % 4 < 2 ? buyer : seller];
      const res = await app.http
        .post(`/orders/${order.id}/messages`)
        .set(who.auth)
        .send({ content: `message ${i}` })
        .expect(201);
      posted.set(res.body.id, res.body);
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < MESSAGES) await post(next++);
      }),
    );
    expect(posted.size).toBe(MESSAGES);
    expect(await countRows(a, 'thread_events')).toBe(MESSAGES);

    for (const [name, s] of subscribers) {
      // A bound only so that a lost event fails the test instead of hanging it; how fast events
      // arrive is not this test's question (no speed is asserted in a test).
      const events = await s.waitFor(MESSAGES, 30_000);
      await new Promise((r) => setTimeout(r, 100)); // a duplicate would arrive by now
      expect({ name, count: events.length }).toEqual({ name, count: MESSAGES });
      const ids = events.map((e) => Number(e.id));
      expect({ name, ascendingAndUnique: ids }).toEqual({
        name,
        ascendingAndUnique: [...new Set(ids)].sort((x, y) => x - y),
      });
      const received = events.map((e) => ({ event: e.event, data: JSON.parse(e.data) as Message }));
      expect(received.map((r) => r.data.id).sort((x, y) => x - y)).toEqual(
        [...posted.keys()].sort((x, y) => x - y),
      );
      for (const r of received) {
        expect(r).toEqual({ event: 'message.created', data: posted.get(r.data.id) });
      }
    }
  });
});
