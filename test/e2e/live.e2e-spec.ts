import { isDeepStrictEqual } from 'node:util';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { LiveEventBus } from '../../src/live/live-event-bus';
import { contract } from '../support/contract';
import { aCast, anItem, aUser, countRows, type TestUser } from '../support/factories';
import {
  closeAllStreams,
  eventually,
  openStream,
  parsed,
  type SseEvent,
  type SseStream,
} from '../support/sse';
import { startTestApp, type TestApp } from '../support/test-app';

type Body = { id: number } & Record<string, unknown>;

const [MC, SC, DMC, DR] = [
  'message.created',
  'order.status_changed',
  'dispute.message_created',
  'dispute.resolved',
];
/** What a stream received, as [type, data] pairs. */
const got = (events: SseEvent[]) => events.map((e) => [e.event, JSON.parse(e.data)]);
const expectAscending = (events: SseEvent[]) => {
  const ids = events.map((e) => Number(e.id));
  expect(ids.length).toBeGreaterThan(0);
  expect(ids).toEqual([...new Set(ids)].sort((x, y) => x - y));
};

/** Streams, REST side effects, replay and the rolled-back write; tokens and unread counts too. */
describe('live events (SSE)', () => {
  let t: TestApp;
  let base: string;
  let bus: LiveEventBus;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;
  let itemId: number;

  beforeAll(async () => {
    t = await startTestApp({ SSE_HEARTBEAT_MS: '200' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    bus = t.app.get(LiveEventBus);
    ({ buyer, seller, stranger, admin, itemId } = await aCast(t));
  });
  afterEach(async () => {
    closeAllStreams();
    // Every test also proves that its closed clients gave their subscriptions back.
    await eventually(() => bus.subscriberCount() === 0, 'every subscription to be freed');
  });
  afterAll(() => t.close());

  const newOrder = async (who = buyer, item = itemId): Promise<Body> =>
    (await t.http.post('/orders').set(who.auth).send({ itemId: item, finalPrice: 80 }).expect(201))
      .body;
  const say = async (orderId: number, who: TestUser, content = 'Files attached'): Promise<Body> =>
    (await t.http.post(`/orders/${orderId}/messages`).set(who.auth).send({ content }).expect(201))
      .body;
  const move = async (orderId: number, status: string, who: TestUser): Promise<Body> =>
    (await t.http.patch(`/orders/${orderId}/status?status=${status}`).set(who.auth).expect(200))
      .body;
  const dispute = async (orderId: number, who = buyer): Promise<Body> =>
    (await t.http.post('/disputes').set(who.auth).send({ orderId, reason: 'Late' }).expect(201))
      .body;
  const argue = async (
    disputeId: number,
    who: TestUser,
    message = 'See the brief',
  ): Promise<Body> =>
    (
      await t.http
        .post(`/disputes/${disputeId}/messages`)
        .set(who.auth)
        .send({ message })
        .expect(201)
    ).body;
  const resolve = (disputeId: number, body: object = { resolution: 'Settled' }) =>
    t.http.patch(`/disputes/${disputeId}/resolve`).set(admin.auth).send(body);
  /** Opens a stream that must be accepted. */
  const listen = async (path: string, headers: Record<string, string> = {}): Promise<SseStream> => {
    const s = await openStream(base + path, headers);
    expect({ path, status: s.status, body: s.body }).toEqual({ path, status: 200, body: '' });
    return s;
  };

  describe('streams', () => {
    it('serves text/event-stream; each event is id, event and the REST body as data', async () => {
      const order = await newOrder();
      const s = await listen(`/orders/${order.id}/events`, buyer.auth);
      expect(s.headers['content-type']).toMatch(/^text\/event-stream\b/);
      expect(s.headers['cache-control']).toMatch(/no-cache/);
      const message = await say(order.id, seller, 'First draft is up');
      const [e] = await s.waitFor(1);
      expect(e.id).toMatch(/^[1-9]\d*$/);
      expect(parsed(e)).toEqual({ id: Number(e.id), event: MC, data: message });
      const { rows } = await t.sql.query(
        'SELECT id::int, type FROM thread_events WHERE order_id = $1',
        [order.id],
      );
      expect(rows).toEqual([{ id: Number(e.id), type: MC }]);
    });

    it('delivers each event type in order; order and dispute streams keep to their own', async () => {
      const order = await newOrder();
      const mine = await listen('/users/me/events', buyer.auth);
      const thread = await listen(`/orders/${order.id}/events`, seller.auth);
      const m1 = await say(order.id, seller);
      const moved = await move(order.id, 'IN_PROGRESS', seller);
      const d = await dispute(order.id);
      const room = await listen(`/disputes/${d.id}/events`, seller.auth);
      const dm = await argue(d.id, buyer);
      const m2 = await say(order.id, buyer);
      const closed = (await resolve(d.id).expect(200)).body;
      const m3 = await say(order.id, seller);
      // Each stream's last event came after the other stream's, so these exact lists also show
      // that dispute events stay off the order stream and order events off the dispute stream.
      expect(got(await thread.waitFor(4))).toEqual([
        [MC, m1],
        [SC, moved],
        [MC, m2],
        [MC, m3],
      ]);
      expect(got(await room.waitFor(2))).toEqual([
        [DMC, dm],
        [DR, closed],
      ]);
      expect(got(await mine.waitFor(6))).toEqual([
        [MC, m1],
        [SC, moved],
        [DMC, dm],
        [MC, m2],
        [DR, closed],
        [MC, m3],
      ]);
      [mine, thread, room].forEach((s) => expectAscending(s.events));
    });

    it("GET /users/me/events: the caller's orders and disputes, as buyer and seller, only", async () => {
      const [me, other] = await Promise.all([aUser(t, 'me'), aUser(t, 'other')]);
      const myItem = (await anItem(t, me)).id;
      const asBuyer = (await newOrder(me)).id;
      const asSeller = (await newOrder(other, myItem)).id;
      const foreign = (await newOrder(other)).id;
      const [myDispute, foreignDispute] = [
        await dispute(asSeller, other),
        await dispute(foreign, other),
      ];
      const s = await listen('/users/me/events', me.auth);
      await say(foreign, seller);
      const a = await say(asBuyer, seller);
      await argue(foreignDispute.id, other);
      const b = await say(asSeller, other);
      const c = await argue(myDispute.id, me);
      await move(foreign, 'IN_PROGRESS', seller);
      const d = await move(asSeller, 'IN_PROGRESS', me);
      const e = await say(asBuyer, me);
      // The foreign events came before the last one, so an exact list shows they were left out.
      expect(got(await s.waitFor(5))).toEqual([
        [MC, a],
        [MC, b],
        [DMC, c],
        [SC, d],
        [MC, e],
      ]);
    });

    it('Last-Event-ID: a reconnect after 3 missed messages gets exactly those 3, then live', async () => {
      const order = await newOrder();
      const first = await listen(`/orders/${order.id}/events`, buyer.auth);
      await say(order.id, seller, 'seen');
      const [seen] = await first.waitFor(1);
      first.close();
      const missed: Body[] = [];
      for (const n of [1, 2, 3]) missed.push(await say(order.id, seller, `missed ${n}`));
      const again = await listen(`/orders/${order.id}/events`, {
        ...buyer.auth,
        'Last-Event-ID': seen.id!,
      });
      expect(got(await again.waitFor(3))).toEqual(missed.map((m) => [MC, m]));
      const live = await say(order.id, buyer, 'live');
      expect(got(await again.waitFor(4))).toEqual([...missed, live].map((m) => [MC, m]));
      expectAscending(again.events);
      // The same through ?lastEventId= (EventSource cannot set headers), and on a user stream.
      for (const [path, auth] of [
        [`/orders/${order.id}/events?lastEventId=${seen.id}`, buyer.auth],
        [`/users/me/events?lastEventId=${seen.id}`, seller.auth],
      ] as const) {
        const replay = await listen(path, auth);
        expect(got(await replay.waitFor(4))).toEqual([...missed, live].map((m) => [MC, m]));
      }
    });

    it('sends a heartbeat comment every SSE_HEARTBEAT_MS (200 ms here)', async () => {
      const s = await listen('/users/me/events', stranger.auth);
      await new Promise((r) => setTimeout(r, 700));
      expect(s.comments.filter((c) => c === ': heartbeat').length).toBeGreaterThanOrEqual(2);
      expect(s.events).toEqual([]);
    });

    it('frees the subscription when the client disconnects', async () => {
      const before = bus.subscriberCount();
      const s = await listen('/users/me/events', stranger.auth);
      expect(bus.subscriberCount()).toBe(before + 1);
      s.close();
      await eventually(() => bus.subscriberCount() === before, 'the subscription to be freed');
    });
  });

  describe('a rolled-back write emits nothing', () => {
    it('a message on a CANCELLED order (409)', async () => {
      const order = await newOrder();
      await move(order.id, 'CANCELLED', buyer);
      const s = await listen(`/orders/${order.id}/events`, buyer.auth);
      const before = await countRows(t, 'thread_events');
      const late = { content: 'Too late' };
      await t.http.post(`/orders/${order.id}/messages`).set(seller.auth).send(late).expect(409);
      expect(await countRows(t, 'thread_events')).toBe(before);
      const reopened = await move(order.id, 'IN_PROGRESS', admin);
      // The cancellation committed just before the stream opened; on a loaded machine its
      // notification can reach the stream after it did. What matters: the refused message
      // left no event, and the reopening arrives.
      await eventually(
        () => got(s.events).some(([, payload]) => isDeepStrictEqual(payload, reopened)),
        'the reopening to arrive',
        10_000,
      );
      const seen = got(s.events);
      expect(seen.at(-1)).toEqual([SC, reopened]);
      expect(seen.every(([type]) => type === SC)).toBe(true);
    });

    it('a refund beyond what is left (400): no dispute.resolved until a valid resolve', async () => {
      const order = await newOrder();
      const stripeTxId = `pi_${randomBytes(8).toString('hex')}`;
      await t.http
        .post('/payments')
        .set(admin.auth)
        .send({ orderId: order.id, stripeTxId, totalAmount: 80 })
        .expect(201);
      const d = await dispute(order.id);
      const s = await listen(`/disputes/${d.id}/events`, buyer.auth);
      const before = await countRows(t, 'thread_events');
      await resolve(d.id, { resolution: 'Refund', refundAmount: 500 }).expect(400);
      expect(await countRows(t, 'thread_events')).toBe(before);
      const closed = (await resolve(d.id).expect(200)).body;
      expect(got(await s.waitFor(1))).toEqual([[DR, closed]]);
    });

    it('a transaction that fails at COMMIT, after its event row and NOTIFY were written', async () => {
      // A deferred check on the message that fails at COMMIT: by then the event row is inserted
      // and its NOTIFY queued, in the same transaction, so both must vanish with it.
      await t.sql.query(`
        CREATE OR REPLACE FUNCTION live_test_refuse() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'refused at commit by the test'; END $$;
        CREATE CONSTRAINT TRIGGER live_test_refuse AFTER INSERT ON order_messages
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
          WHEN (NEW.content = 'roll me back') EXECUTE FUNCTION live_test_refuse();`);
      try {
        const order = await newOrder();
        const s = await listen(`/orders/${order.id}/events`, buyer.auth);
        const before = [await countRows(t, 'thread_events'), await countRows(t, 'order_messages')];
        const doomed = { content: 'roll me back' };
        contract().expectServerError();
        await t.http.post(`/orders/${order.id}/messages`).set(seller.auth).send(doomed).expect(500);
        expect([await countRows(t, 'thread_events'), await countRows(t, 'order_messages')]).toEqual(
          before,
        );
        const kept = await say(order.id, seller, 'kept');
        expect(got(await s.waitFor(1))).toEqual([[MC, kept]]);
      } finally {
        await t.sql.query('DROP TRIGGER live_test_refuse ON order_messages');
      }
    });
  });
});
