import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { EVENT_THREAD_LOCK } from '../../src/live/live-events';
import { aUser, anAdmin, anItem, type TestUser } from '../support/factories';
import { checkInvariants } from '../support/invariants';
import { lockWaiters, raceBehindGate } from '../support/races';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The races of #3-#6 in one place, then a mixed load: many users ordering, messaging, moving
 * orders, reviewing, disputing, paying and refunding at once, after which every invariant is
 * checked in SQL. CONCURRENCY_SEED changes the load's random choices.
 */
const SEED = Number(process.env.CONCURRENCY_SEED ?? 9);
const USERS = 20;
const WAVES = 12;
const PER_WAVE = 50;
const HOUR = 3_600_000;

/** Request kinds of the mixed load: how often each is picked, and what it may answer under
 * contention (a conflict with the current state, a refund that does not fit); nothing else. */
const LOAD = {
  order: { weight: 2, allowed: [201] },
  message: { weight: 4, allowed: [201, 409] },
  status: { weight: 5, allowed: [200, 403, 409] },
  review: { weight: 3, allowed: [201, 409] },
  venueReview: { weight: 1, allowed: [201, 409] },
  dispute: { weight: 2, allowed: [201, 409] },
  disputeMessage: { weight: 2, allowed: [201, 409] },
  resolve: { weight: 2, allowed: [200, 400, 409] },
  payment: { weight: 1, allowed: [201, 409] },
  // Most sellers have nothing AVAILABLE yet at any moment: 409 is the usual answer.
  payout: { weight: 1, allowed: [201, 409] },
  deleteReview: { weight: 0.5, allowed: [204, 404] },
  read: { weight: 1, allowed: [200] },
};
type Kind = keyof typeof LOAD;
const KINDS = Object.keys(LOAD) as Kind[];

/** mulberry32: a small seeded PRNG, so a failing load can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('concurrency (issue #9)', () => {
  let t: TestApp;
  let users: TestUser[];
  let admins: TestUser[];
  let items: { id: number; seller: TestUser }[];
  let requests = 0;
  let races = 0;

  beforeAll(async () => {
    t = await startTestApp({
      DB_POOL_SIZE: '20',
      RATE_LIMIT_REGISTER_PER_IP: '1000',
      RATE_LIMIT_MESSAGES_PER_THREAD: '100000',
      // Earnings clear a second after completion (see the mixed load): the clearance job runs.
      JOBS_POLL_SECONDS: '0.5',
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    // Five at a time: argon2 hashes and new pool connections share libuv's threadpool, and a
    // burst of 20 registrations can keep a connection from opening within 3 s (a 503).
    users = [];
    for (let i = 0; i < USERS; i += 5) {
      users.push(...(await Promise.all([0, 1, 2, 3, 4].map((j) => aUser(t, `u${i + j}`)))));
    }
    admins = [await anAdmin(t), await anAdmin(t)];
    items = await Promise.all(
      users.map(async (seller) => ({ id: (await anItem(t, seller)).id, seller })),
    );
  }, 60_000);
  afterAll(async () => {
    console.log(`concurrency: ${races} races, ${requests} requests`);
    await t?.close();
  });

  const counted = async (req: PromiseLike<Response>): Promise<Response> => {
    requests++;
    return req;
  };
  const post = (who: TestUser, path: string, body: object) =>
    counted(t.http.post(path).set(who.auth).send(body));
  const patch = (who: TestUser, path: string, body: object) =>
    counted(t.http.patch(path).set(who.auth).send(body));
  const move = (id: number, status: string, who: TestUser) =>
    counted(t.http.patch(`/orders/${id}/status?status=${status}`).set(who.auth));
  const created = async (req: Promise<Response>): Promise<number> => {
    const res = await req;
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    return res.body.id;
  };
  const anOrder = (buyer: TestUser, item = items[0]) =>
    created(post(buyer, '/orders', { itemId: item.id, finalPrice: 100 }));
  const txId = () => `pi_${randomBytes(6).toString('hex')}`;
  const rows = async (sql: string, params: unknown[]) => (await t.sql.query(sql, params)).rows;
  const codes = (responses: Response[]) => responses.map((r) => r.status).sort();
  /** `n` requests held on a lock by an uncommitted `sql`, then released together. */
  const race = async (sql: string, params: unknown[], n: number, send: () => Promise<Response>) => {
    races++;
    return raceBehindGate(t, { sql, params }, n, send);
  };
  const ONE_WINS = (n: number, winner = 201) => [winner, ...Array(n - 1).fill(409)];

  describe('races of #3-#6', () => {
    const [seller, buyer] = [0, 1].map((i) => () => users[i]);

    it('10 status changes from PENDING at once: exactly one applies, nine get 409', async () => {
      const id = await anOrder(buyer());
      const tries = [
        () => move(id, 'IN_PROGRESS', seller()),
        () => move(id, 'CANCELLED', buyer()),
        () => move(id, 'CANCELLED', seller()),
      ];
      let i = 0;
      const lock = 'SELECT id FROM orders WHERE id = $1 FOR UPDATE';
      const responses = await race(lock, [id], 10, () => tries[i++ % 3]());
      expect(codes(responses)).toEqual(ONE_WINS(10, 200));
      const winner = responses.find((r) => r.status === 200)!.body.status;
      const history = 'SELECT status FROM order_status_history WHERE order_id = $1 ORDER BY id';
      expect(await rows(history, [id])).toEqual([{ status: 'PENDING' }, { status: winner }]);
    });

    it('10 reviews of one order at once: one 201, nine 409', async () => {
      const id = await anOrder(buyer());
      expect((await move(id, 'IN_PROGRESS', seller())).status).toBe(200);
      expect((await move(id, 'COMPLETED', buyer())).status).toBe(200);
      const gate = `INSERT INTO reviews (order_id, author_id, reviewed_user_id, score)
                    VALUES ($1, $2, $3, 1)`;
      const send = () => post(buyer(), '/reviews', { orderId: id, score: 4 });
      const responses = await race(gate, [id, buyer().id, seller().id], 10, send);
      expect(codes(responses)).toEqual(ONE_WINS(10));
      expect(await rows('SELECT score FROM reviews WHERE order_id = $1', [id])).toEqual([
        { score: 4 },
      ]);
    });

    it('10 reviews of one venue by one user at once: one 201, nine 409', async () => {
      const venue = await created(post(seller(), '/venues', { name: 'Sala', address: 'C/ 1' }));
      const gate = `INSERT INTO venue_event_reviews (author_id, target_type, target_id, score)
                    VALUES ($1, 'VENUE', $2, 1)`;
      const body = { targetId: venue, targetType: 'VENUE', score: 3 };
      const send = () => post(buyer(), '/venue-event-reviews', body);
      expect(codes(await race(gate, [buyer().id, venue], 10, send))).toEqual(ONE_WINS(10));
      const rating = `SELECT review_count, score_sum::int FROM venue_event_ratings
                      WHERE target_type = 'VENUE' AND target_id = $1`;
      expect(await rows(rating, [venue])).toEqual([{ review_count: 1, score_sum: 3 }]);
    });

    it('10 dispute opens on one order at once: one 201, nine 409', async () => {
      const id = await anOrder(buyer());
      const gate = `INSERT INTO disputes (order_id, created_by_user_id, reason)
                    VALUES ($1, $2, 'gate')`;
      let i = 0;
      const send = () =>
        post(i++ % 2 ? seller() : buyer(), '/disputes', { orderId: id, reason: 'x' });
      expect(codes(await race(gate, [id, buyer().id], 10, send))).toEqual(ONE_WINS(10));
      const disputes = 'SELECT status FROM disputes WHERE order_id = $1';
      expect(await rows(disputes, [id])).toEqual([{ status: 'OPEN' }]);
    });

    it('concurrent resolves with refunds never refund more than the payment', async () => {
      const id = await anOrder(buyer());
      const payment = { orderId: id, stripeTxId: txId(), totalAmount: 100 };
      expect((await post(admins[0], '/payments', payment)).status).toBe(201);
      const open = () => created(post(buyer(), '/disputes', { orderId: id, reason: 'refund' }));
      const refunded = () =>
        rows('SELECT refunded_amount_cents AS c, status FROM payments WHERE order_id = $1', [id]);
      const resolveAll = async (dispute: number, refundAmount: number) => {
        let i = 0;
        const body = { resolution: 'Refunded', refundAmount };
        // Both names of the operation, by two admins.
        const send = () =>
          patch(admins[i % 2], `/disputes/${dispute}/${i++ % 2 ? 'close' : 'resolve'}`, body);
        return codes(
          await race('SELECT id FROM disputes WHERE id = $1 FOR UPDATE', [dispute], 8, send),
        );
      };
      expect(await resolveAll(await open(), 60)).toEqual(ONE_WINS(8, 200));
      expect(await refunded()).toEqual([{ c: 6000, status: 'PARTIALLY_REFUNDED' }]);
      // 60 more does not fit in the 40 left: all are refused, and the dispute stays open.
      const second = await open();
      expect(await resolveAll(second, 60)).toEqual(Array(8).fill(400));
      expect(await refunded()).toEqual([{ c: 6000, status: 'PARTIALLY_REFUNDED' }]);
      expect(await resolveAll(second, 40)).toEqual(ONE_WINS(8, 200));
      expect(await refunded()).toEqual([{ c: 10000, status: 'REFUNDED' }]);
    });

    it('messages racing a cancellation or a resolve wait for it, then get 409', async () => {
      const id = await anOrder(buyer());
      const dispute = await created(post(buyer(), '/disputes', { orderId: id, reason: 'x' }));
      // The lock that orders the order's events stops the cancel just before it commits,
      // holding the order's row; the resolve, sent once the cancel waits, holds the dispute's row
      // and queues on the order's (its trigger clears the order's dispute flag). The messages
      // arrive while both wait. Sent together instead, the resolve could take the order's row
      // first, and a message could then legitimately commit before the cancel.
      const gate = await t.sql.connect();
      let changes: Promise<Response[]>;
      let messages: Promise<Response[]>;
      try {
        await gate.query('BEGIN');
        await gate.query('SELECT pg_advisory_xact_lock($1, $2)', [EVENT_THREAD_LOCK, id]);
        const cancel = move(id, 'CANCELLED', seller());
        await lockWaiters(t, gate, 1);
        const close = { resolution: 'Closed' };
        changes = Promise.all([cancel, patch(admins[0], `/disputes/${dispute}/resolve`, close)]);
        await lockWaiters(t, gate, 2);
        messages = Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            i % 2
              ? post(buyer(), `/orders/${id}/messages`, { content: 'late' })
              : post(seller(), `/disputes/${dispute}/messages`, { message: 'late' }),
          ),
        );
        await lockWaiters(t, gate, 12);
      } finally {
        await gate.query('ROLLBACK');
        gate.release();
      }
      races++;
      expect(codes(await changes)).toEqual([200, 200]);
      expect(codes(await messages)).toEqual(Array(10).fill(409));
      expect(await rows('SELECT id FROM order_messages WHERE order_id = $1', [id])).toEqual([]);
      const thread = 'SELECT id FROM dispute_messages WHERE dispute_id = $1';
      expect(await rows(thread, [dispute])).toEqual([]);
    });
  });

  describe('mixed load', () => {
    type Order = { id: number; buyer: TestUser; seller: TestUser };
    type Step = { send: () => Promise<Response>; after?: (res: Response) => void };

    it(`${USERS} users, ${WAVES} waves of ${PER_WAVE} requests at once: every invariant holds`, async () => {
      const rand = prng(SEED);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
      const score = () => 1 + Math.floor(rand() * 5);
      const party = (o: Order) => (rand() < 0.5 ? o.buyer : o.seller);
      const targets: { targetId: number; targetType: string }[] = [];
      for (const manager of users.slice(0, 2)) {
        const venue = { name: 'Sala', address: 'Carrer 1' };
        const targetId = await created(post(manager, '/venues', venue));
        const past = (h: number) => new Date(Date.now() - h * HOUR).toISOString();
        const event = { venueId: targetId, title: 'Gig', startDate: past(3), endDate: past(2) };
        const eventId = await created(post(manager, '/events', event));
        targets.push({ targetId, targetType: 'VENUE' }, { targetId: eventId, targetType: 'EVENT' });
      }
      const orders: Order[] = await Promise.all(
        users.map(async (buyer, i) => {
          const item = items[(i + 1) % USERS];
          return { id: await anOrder(buyer, item), buyer, seller: item.seller };
        }),
      );
      // Earnings clear one second after completion, so that payouts find some AVAILABLE.
      await t.http
        .put('/marketplace/settings')
        .set(admins[0].auth)
        .send({
          defaultProcess: 'DIRECT',
          autoCompleteAfter: 'P3D',
          cancellationWindow: 'PT48H',
          clearancePeriod: 'PT1S',
        })
        .expect(200);
      const disputes: { id: number; order: Order }[] = [];
      const reviews: number[] = [];
      const paid = new Set<number>();
      // A third of the orders are paid and COMPLETED before the load: their earnings clear
      // during it, for the payouts to pay (and race for).
      await Promise.all(
        orders.slice(0, Math.ceil(orders.length / 3)).map(async (o) => {
          const body = { orderId: o.id, stripeTxId: txId(), totalAmount: 100 };
          expect((await post(admins[0], '/payments', body)).status).toBe(201);
          paid.add(o.id);
          expect((await move(o.id, 'IN_PROGRESS', o.seller)).status).toBe(200);
          expect((await move(o.id, 'COMPLETED', o.seller)).status).toBe(200);
        }),
      );
      const refunds = new Map<number, number>();
      const outcomes: { kind: Kind; status: number; message?: unknown }[] = [];
      const before = await t.sql.query('SELECT count(*)::int AS n FROM thread_events');

      // Well-formed requests picked at random among the rows the load knows of; a conflict with
      // the current state (409) is expected, a refund that does not fit is 400.
      const make: Record<Kind, () => Step | null> = {
        order() {
          const buyer = pick(users);
          const item = pick(items.filter((i) => i.seller !== buyer));
          const send = () => post(buyer, '/orders', { itemId: item.id, finalPrice: 80 });
          return { send, after: (r) => orders.push({ id: r.body.id, buyer, seller: item.seller }) };
        },
        message() {
          const o = pick(orders);
          return { send: () => post(party(o), `/orders/${o.id}/messages`, { content: 'hi' }) };
        },
        status() {
          const o = pick(orders);
          const to = pick(['IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED', 'COMPLETED', 'CANCELLED']);
          const seller = to === 'IN_PROGRESS' && rand() < 0.8;
          const who = rand() < 0.1 ? pick(admins) : seller ? o.seller : party(o);
          return { send: () => move(o.id, rand() < 0.05 ? 'PENDING' : to, who) };
        },
        review() {
          const o = pick(orders);
          const send = () => post(o.buyer, '/reviews', { orderId: o.id, score: score() });
          return { send, after: (r) => reviews.push(r.body.id) };
        },
        venueReview() {
          const body = { ...pick(targets), score: score() };
          return { send: () => post(pick(users), '/venue-event-reviews', body) };
        },
        dispute() {
          const o = pick(orders);
          const send = () => post(party(o), '/disputes', { orderId: o.id, reason: 'late' });
          return { send, after: (r) => disputes.push({ id: r.body.id, order: o }) };
        },
        disputeMessage() {
          if (!disputes.length) return null;
          const d = pick(disputes);
          const who = rand() < 0.2 ? pick(admins) : party(d.order);
          return { send: () => post(who, `/disputes/${d.id}/messages`, { message: 'see' }) };
        },
        resolve() {
          if (!disputes.length) return null;
          const { id, order } = pick(disputes);
          const body = { resolution: 'Done', refundAmount: pick([undefined, 10, 25, 40]) };
          const add = (body.refundAmount ?? 0) * 100;
          const send = () => patch(pick(admins), `/disputes/${id}/resolve`, body);
          return {
            send,
            after: () => add && refunds.set(order.id, (refunds.get(order.id) ?? 0) + add),
          };
        },
        payout() {
          const sellerId = pick(items).seller.id;
          return { send: () => post(pick(admins), '/payouts', { sellerId }) };
        },
        payment() {
          const o = pick(orders.filter((x) => !paid.has(x.id)));
          const body = { orderId: o.id, stripeTxId: txId(), totalAmount: 100 };
          return { send: () => post(pick(admins), '/payments', body), after: () => paid.add(o.id) };
        },
        deleteReview() {
          if (!reviews.length) return null;
          const id = pick(reviews);
          const send = () => t.http.delete(`/reviews/${id}`).set(pick(admins).auth);
          return { send, after: () => reviews.splice(reviews.indexOf(id), 1) };
        },
        read() {
          const o = pick(orders);
          return { send: () => t.http.get(`/orders/${o.id}`).set(party(o).auth) };
        },
      };
      const total = KINDS.reduce((sum, k) => sum + LOAD[k].weight, 0);
      const next = (): { kind: Kind; step: Step } => {
        let r = rand() * total;
        const kind = KINDS.find((k) => (r -= LOAD[k].weight) < 0) ?? 'read';
        const step = make[kind]();
        return step ? { kind, step } : next();
      };

      const started = Date.now();
      for (let wave = 0; wave < WAVES; wave++) {
        const batch = Array.from({ length: PER_WAVE }, next);
        const responses = await Promise.all(batch.map(({ step }) => counted(step.send())));
        batch.forEach(({ kind, step }, i) => {
          const { status, body } = responses[i];
          outcomes.push({ kind, status, message: (body as { message?: unknown })?.message });
          if (status < 300) step.after?.(responses[i]);
        });
      }
      const elapsed = Date.now() - started;

      // Every answer is one the route documents for the situation: no 5xx, no stray 400.
      expect(outcomes.filter((o) => !LOAD[o.kind].allowed.includes(o.status))).toEqual([]);
      const ok = (kind: Kind) => outcomes.filter((o) => o.kind === kind && o.status < 300).length;
      // Every kind succeeded at least once, but payouts: whether a seller has anything cleared
      // when one arrives depends on the timing of the clearance jobs.
      for (const kind of KINDS.filter((k) => k !== 'payout')) expect(ok(kind)).toBeGreaterThan(0);
      const summary = KINDS.map((k) => `${k} ${ok(k)}`).join(', ');
      console.log(`mixed load: ${outcomes.length} requests in ${elapsed} ms; 2xx: ${summary}`);

      const changes = ok('message') + ok('status') + ok('disputeMessage') + ok('resolve');
      const adminIds = new Set(admins.map((a) => a.id));
      await checkInvariants(t, { events: before.rows[0].n + changes, refunds, adminIds });
    }, 120_000);
  });
});
