import { DataSource } from 'typeorm';
import { aUser, anAdmin, anItem, countRows, type TestUser } from '../support/factories';
import { collectAll } from '../support/pages';
import { startTestApp, type TestApp } from '../support/test-app';
import { lockWaiters } from '../support/races';

type Status = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED';
type Role = 'buyer' | 'seller';
/** The fields these tests read; the full shape is asserted with toEqual. */
type Order = { id: number; status: Status; finalPrice: number; createdAt: string };
type HistoryRow = {
  status: Status;
  changedByUserId: number | null;
  reason: string | null;
  changedAt: string;
};

const STATUSES: Status[] = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'];
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const BAD_IDS = ['abc', '0', '1e3', '99999999999', '-1', '1.5'];
const MISSING_ID = 2_147_483_647;
/** How the parties bring a fresh order to each status: the seller's moves, or the buyer's. */
const PATH: Record<Status, { by: Role; steps: Status[] }> = {
  PENDING: { by: 'seller', steps: [] },
  IN_PROGRESS: { by: 'seller', steps: ['IN_PROGRESS'] },
  COMPLETED: { by: 'seller', steps: ['IN_PROGRESS', 'COMPLETED'] },
  CANCELLED: { by: 'buyer', steps: ['CANCELLED'] },
};

describe('orders', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;
  let itemId: number;
  const party = (role: Role) => (role === 'buyer' ? buyer : seller);

  beforeAll(async () => {
    // The race below holds 20 requests inside the database at once.
    t = await startTestApp({ DB_POOL_SIZE: '30' });
    [buyer, seller, stranger, admin] = await Promise.all([
      aUser(t, 'buyer'),
      aUser(t, 'seller'),
      aUser(t),
      anAdmin(t),
    ]);
    itemId = (await anItem(t, seller, { basePrice: 120.5 })).id;
  });
  afterAll(() => t.close());

  const create = (who: TestUser, body: object) => t.http.post('/orders').set(who.auth).send(body);
  const anOrder = async (who = buyer, item = itemId, finalPrice: number = 150): Promise<Order> =>
    (await create(who, { itemId: item, finalPrice }).expect(201)).body;
  const move = (id: number, status: string, who: TestUser) =>
    t.http.patch(`/orders/${id}/status?status=${status}`).set(who.auth);
  const historyOf = async (id: number, who = buyer): Promise<HistoryRow[]> =>
    (await t.http.get(`/orders/${id}/history`).set(who.auth).expect(200)).body;
  const read = async (id: number, who = buyer): Promise<Order> =>
    (await t.http.get(`/orders/${id}`).set(who.auth).expect(200)).body;
  const orderIn = async (status: Status) => {
    const o = await anOrder();
    for (const s of PATH[status].steps) await move(o.id, s, party(PATH[status].by)).expect(200);
    return o;
  };
  const messageOf = (res: { body: { message: unknown } }) => JSON.stringify(res.body.message);

  describe('POST /orders', () => {
    it('creates a PENDING order for the caller with exactly the documented fields', async () => {
      const res = await create(buyer, { itemId, finalPrice: 150 }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        buyerId: buyer.id,
        sellerId: seller.id,
        itemId,
        finalPrice: 150,
        status: 'PENDING',
        hasOpenDispute: false,
        unreadCount: 0,
        // Copied from a listing created with the defaults.
        process: 'DIRECT',
        dueAt: null,
        isLate: false,
        revisionsLeft: 1,
        deliveredAt: null,
        autoCompleteAt: null,
        createdAt: ISO,
        updatedAt: ISO,
      });
      expect(await read(res.body.id)).toEqual(res.body);
    });

    it.each([
      [150.07, 15007],
      [0.01, 1],
      [1_000_000, 100_000_000],
    ])('keeps money exact: %p is stored as %p cents', async (price, cents) => {
      const o = await anOrder(buyer, itemId, price);
      expect(o.finalPrice).toBe(price);
      expect((await read(o.id, seller)).finalPrice).toBe(price);
      const { rows } = await t.sql.query(
        `SELECT final_price_cents AS c FROM orders WHERE id = ${o.id}`,
      );
      expect(rows[0].c).toBe(cents);
    });

    it.each<[string, (item: number) => object, RegExp]>([
      ['itemId missing', () => ({ finalPrice: 10 }), /itemId/],
      ['itemId as a string', (i) => ({ itemId: String(i), finalPrice: 10 }), /itemId/],
      ['itemId 0', () => ({ itemId: 0, finalPrice: 10 }), /itemId/],
      ['itemId 1.5', () => ({ itemId: 1.5, finalPrice: 10 }), /itemId/],
      ['finalPrice 0', (i) => ({ itemId: i, finalPrice: 0 }), /finalPrice/],
      ['finalPrice -1', (i) => ({ itemId: i, finalPrice: -1 }), /finalPrice/],
      ['finalPrice 1000000.01', (i) => ({ itemId: i, finalPrice: 1_000_000.01 }), /finalPrice/],
      ['finalPrice 0.1 + 0.2', (i) => ({ itemId: i, finalPrice: 0.1 + 0.2 }), /finalPrice/],
      ['finalPrice as a string', (i) => ({ itemId: i, finalPrice: '150' }), /finalPrice/],
      ['an unknown field', (i) => ({ itemId: i, buyerId: 1 }), /property buyerId should not/],
      ['status set by the client', (i) => ({ itemId: i, status: 'COMPLETED' }), /status/],
      ['two bad fields, naming both', () => ({ itemId: 0, finalPrice: -1 }), /itemId.*finalPrice/],
    ])('400 for %s, writing nothing', async (_name, body, field) => {
      const before = await countRows(t, 'orders');
      const res = await create(buyer, body(itemId)).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(messageOf(res)).toMatch(field);
      expect(await countRows(t, 'orders')).toBe(before);
    });

    it("uses the listing's basePrice when finalPrice is omitted or null", async () => {
      for (const extra of [{}, { finalPrice: null }]) {
        expect((await create(buyer, { itemId, ...extra }).expect(201)).body.finalPrice).toBe(120.5);
      }
    });

    it('400 when neither finalPrice nor a basePrice is there', async () => {
      const bare = await anItem(t, seller, { basePrice: null });
      const before = await countRows(t, 'orders');
      const res = await create(buyer, { itemId: bare.id }).expect(400);
      expect(res.body.message).toMatch(/basePrice/);
      expect(await countRows(t, 'orders')).toBe(before);
      await create(buyer, { itemId: bare.id, finalPrice: 9.99 }).expect(201);
    });

    it('400 for ordering your own listing', async () => {
      const before = await countRows(t, 'orders');
      const res = await create(seller, { itemId, finalPrice: 10 }).expect(400);
      expect(res.body.message).toMatch(/own listing/);
      expect(await countRows(t, 'orders')).toBe(before);
    });

    it('404 for an unknown or deleted listing', async () => {
      await create(buyer, { itemId: MISSING_ID, finalPrice: 10 }).expect(404);
      const gone = await anItem(t, seller);
      await t.http.delete(`/items/${gone.id}`).set(seller.auth).expect(204);
      await create(buyer, { itemId: gone.id, finalPrice: 10 }).expect(404);
    });

    it('401 without a token', () => t.http.post('/orders').send({ itemId }).expect(401));
  });

  describe.each([
    ['GET /orders/{id}', (id: number | string) => t.http.get(`/orders/${id}`)],
    [
      'PATCH status',
      (id: number | string) => t.http.patch(`/orders/${id}/status?status=CANCELLED`),
    ],
    ['GET /orders/{id}/history', (id: number | string) => t.http.get(`/orders/${id}/history`)],
  ])('%s access', (_name, call) => {
    let o: Order;
    beforeAll(async () => {
      o = await anOrder();
    });
    afterEach(async () => {
      expect((await read(o.id)).status).toBe('PENDING');
      expect(await historyOf(o.id)).toHaveLength(1);
    });

    it('401 for anonymous', () => call(o.id).expect(401));
    it('403 for a stranger', () => call(o.id).set(stranger.auth).expect(403));
    it('404 for a missing order', () => call(MISSING_ID).set(buyer.auth).expect(404));
    it.each(BAD_IDS)('400 for the id %p', async (id) => {
      const res = await call(id).set(buyer.auth).expect(400);
      expect(res.body.message).toMatch(/id must be a positive integer/);
    });
  });

  describe('GET /orders/{id}', () => {
    it('shows the order to its buyer, its seller and an admin alike', async () => {
      const o = await anOrder();
      for (const who of [buyer, seller, admin]) expect(await read(o.id, who)).toEqual(o);
    });

    it('shows hasOpenDispute while a dispute is open, without changing the status', async () => {
      const o = await anOrder();
      const { rows } = await t.sql.query(
        `INSERT INTO disputes (order_id, created_by_user_id, reason, status)
         VALUES ($1, $2, 'Files never arrived', 'OPEN') RETURNING id`,
        [o.id, buyer.id],
      );
      expect(await read(o.id, seller)).toMatchObject({ hasOpenDispute: true, status: 'PENDING' });
      const listed = (await t.http.get('/orders?limit=1').set(buyer.auth).expect(200)).body;
      expect(listed).toEqual([expect.objectContaining({ id: o.id, hasOpenDispute: true })]);
      const moved = await move(o.id, 'IN_PROGRESS', seller).expect(200);
      expect(moved.body).toMatchObject({ hasOpenDispute: true, status: 'IN_PROGRESS' });
      await t.sql.query(`UPDATE disputes SET status = 'CLOSED', closed_at = now() WHERE id = $1`, [
        rows[0].id,
      ]);
      expect(await read(o.id)).toMatchObject({ hasOpenDispute: false, status: 'IN_PROGRESS' });
    });
  });

  describe('PATCH /orders/{id}/status', () => {
    it.each<[Status, Status, Role]>([
      ['PENDING', 'IN_PROGRESS', 'seller'],
      ['PENDING', 'CANCELLED', 'buyer'],
      ['PENDING', 'CANCELLED', 'seller'],
      ['IN_PROGRESS', 'COMPLETED', 'seller'],
      ['IN_PROGRESS', 'COMPLETED', 'buyer'],
      ['IN_PROGRESS', 'CANCELLED', 'buyer'],
      ['IN_PROGRESS', 'CANCELLED', 'seller'],
    ])('%s -> %s by the %s, with a history row', async (from, to, role) => {
      const o = await orderIn(from);
      const before = await historyOf(o.id);
      const res = await move(o.id, to, party(role)).expect(200);
      expect(res.body).toEqual({ ...o, status: to, updatedAt: ISO });
      expect(res.body.updatedAt >= o.createdAt).toBe(true);
      expect((await read(o.id)).status).toBe(to);
      const after = await historyOf(o.id);
      expect(after).toEqual([
        ...before,
        { status: to, changedByUserId: party(role).id, reason: null, changedAt: ISO },
      ]);
    });

    const refused = async (o: Order, to: string, who: TestUser, status: number) => {
      const before = await historyOf(o.id);
      const current = (await read(o.id)).status;
      const res = await move(o.id, to, who).expect(status);
      expect((await read(o.id)).status).toBe(current);
      expect(await historyOf(o.id)).toEqual(before);
      return res;
    };

    it('403 when the buyer tries to start the work (only the seller may)', async () => {
      const res = await refused(await anOrder(), 'IN_PROGRESS', buyer, 403);
      expect(res.body.message).toMatch(/seller/);
    });

    it.each<[Status, Status]>([
      ['PENDING', 'COMPLETED'],
      ['PENDING', 'PENDING'],
      ['IN_PROGRESS', 'PENDING'],
      ['COMPLETED', 'CANCELLED'],
      ['COMPLETED', 'IN_PROGRESS'],
      ['CANCELLED', 'PENDING'],
      ['CANCELLED', 'IN_PROGRESS'],
    ])('409 for %s -> %s by either party, writing nothing', async (from, to) => {
      const o = await orderIn(from);
      for (const who of [buyer, seller]) {
        const res = await refused(o, to, who, 409);
        expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      }
    });

    it.each(STATUSES.flatMap((from) => STATUSES.filter((s) => s !== from).map((to) => [from, to])))(
      'lets an admin move %s -> %s',
      async (from, to) => {
        const o = await anOrder();
        if (from !== 'PENDING') await move(o.id, from, admin).expect(200);
        const res = await move(o.id, to, admin).expect(200);
        expect(res.body).toMatchObject({ id: o.id, status: to, buyerId: buyer.id });
        const last = (await historyOf(o.id, admin)).at(-1);
        expect(last).toEqual({
          status: to,
          changedByUserId: admin.id,
          reason: null,
          changedAt: ISO,
        });
      },
    );

    it.each([
      ['an unknown value', '?status=DONE'],
      ['lower case', '?status=cancelled'],
      ['an empty value', '?status='],
      ['no status', ''],
      ['the status twice', '?status=CANCELLED&status=CANCELLED'],
    ])('400 for %s, writing nothing', async (_name, query) => {
      const o = await anOrder();
      const res = await t.http.patch(`/orders/${o.id}/status${query}`).set(seller.auth).expect(400);
      expect(messageOf(res)).toMatch(/status must be one of PENDING, IN_PROGRESS/);
      expect(await historyOf(o.id)).toHaveLength(1);
    });
  });

  describe('GET /orders/{id}/history', () => {
    it('lists every status, oldest first, from the initial PENDING on', async () => {
      const o = await anOrder();
      await move(o.id, 'IN_PROGRESS', seller).expect(200);
      await move(o.id, 'COMPLETED', buyer).expect(200);
      const history = await historyOf(o.id);
      expect(history).toEqual([
        { status: 'PENDING', changedByUserId: buyer.id, reason: null, changedAt: o.createdAt },
        { status: 'IN_PROGRESS', changedByUserId: seller.id, reason: null, changedAt: ISO },
        { status: 'COMPLETED', changedByUserId: buyer.id, reason: null, changedAt: ISO },
      ]);
      const times = history.map((h) => h.changedAt);
      expect([...times].sort()).toEqual(times);
      expect(await historyOf(o.id, seller)).toEqual(history);
      expect(await historyOf(o.id, admin)).toEqual(history);
    });
  });

  describe('concurrent status changes', () => {
    it('applies exactly one of 20 changes from PENDING; the other 19 get 409', async () => {
      const o = await anOrder();
      // Hold the order's row so that every request is judged from PENDING before any applies;
      // without the gate a late CANCELLED could legitimately apply from IN_PROGRESS.
      const gate = await t.sql.connect();
      await gate.query('BEGIN');
      await gate.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [o.id]);
      const moves = Array.from({ length: 20 }, (_, i): [Status, TestUser] =>
        i % 3 === 0 ? ['IN_PROGRESS', seller] : ['CANCELLED', i % 3 === 1 ? buyer : seller],
      );
      const responses = Promise.all(moves.map(([s, who]) => move(o.id, s, who)));
      try {
        await lockWaiters(t, gate, 20);
      } finally {
        await gate.query('COMMIT');
        gate.release();
      }
      const codes = (await responses).map((r) => r.status);
      expect(codes.filter((c) => c >= 200 && c < 300)).toHaveLength(1);
      expect(codes.filter((c) => c === 409)).toHaveLength(19);
      const winner = (await responses).find((r) => r.status === 200)!.body as Order;
      expect((await read(o.id)).status).toBe(winner.status);
      const history = await historyOf(o.id);
      expect(history.map((h) => h.status)).toEqual(['PENDING', winner.status]);
    });
  });

  describe('GET /orders', () => {
    const list = async (who: TestUser, query = ''): Promise<Order[]> =>
      (await t.http.get(`/orders${query}`).set(who.auth).expect(200)).body;
    const ids = (orders: Order[]) => orders.map((o) => o.id);

    it("lists only the caller's orders, newest first, filtered by status and role", async () => {
      const [a, b, c] = await Promise.all([aUser(t), aUser(t), aUser(t)]);
      const [itemA, itemB] = [(await anItem(t, a)).id, (await anItem(t, b)).id];
      const o1 = await anOrder(a, itemB);
      const o2 = await anOrder(a, itemB);
      const o3 = await anOrder(b, itemA);
      const o4 = await anOrder(c, itemB);
      await move(o2.id, 'CANCELLED', a).expect(200);
      const mine = await list(a);
      expect(ids(mine)).toEqual([o3.id, o2.id, o1.id]);
      expect(mine[0]).toEqual(o3);
      expect(ids(await list(b))).toEqual([o4.id, o3.id, o2.id, o1.id]);
      expect(ids(await list(a, '?role=buyer'))).toEqual([o2.id, o1.id]);
      expect(ids(await list(a, '?role=seller'))).toEqual([o3.id]);
      expect(ids(await list(a, '?status=CANCELLED'))).toEqual([o2.id]);
      expect(ids(await list(a, '?status=PENDING&role=buyer'))).toEqual([o1.id]);
      expect(await list(a, '?status=CANCELLED&role=seller')).toEqual([]);
      expect(await list(stranger, '?role=seller')).toEqual([]);
    });

    const badQueries = ['status=DONE', 'role=admin', 'limit=0', 'limit=201', 'limit=abc'];
    it.each([...badQueries, 'limit=1.5', 'cursor=garbage'])('400 for ?%s', async (query) => {
      const res = await t.http.get(`/orders?${query}`).set(buyer.auth).expect(400);
      expect(messageOf(res)).toMatch(query.split('=')[0]);
    });

    it('401 without a token', () => t.http.get('/orders').expect(401));

    it('pages through every order once, following Link until it is absent', async () => {
      const p = await aUser(t);
      const own = (await anItem(t, p)).id;
      for (let i = 0; i < 4; i++) await anOrder(p);
      for (let i = 0; i < 3; i++) await anOrder(buyer, own);
      const all = ids(await list(p, '?limit=200'));
      expect(all).toHaveLength(7);
      const paged = await collectAll<Order>(t, '/orders?limit=2', p.auth);
      expect(paged.pages).toBe(4);
      expect(ids(paged.rows)).toEqual(all);
      const sold = await collectAll<Order>(t, '/orders?role=seller&limit=2', p.auth);
      expect(sold.pages).toBe(2);
      expect(ids(sold.rows)).toEqual(ids(await list(p, '?role=seller&limit=3')));
      const first = await t.http.get('/orders?limit=6').set(p.auth).expect(200);
      expect(first.headers['x-next-cursor']).toEqual(expect.any(String));
      expect(first.headers.link).toContain(`cursor=${first.headers['x-next-cursor']}`);
      const last = await t.http.get('/orders?limit=7').set(p.auth).expect(200);
      expect(last.headers).not.toHaveProperty('x-next-cursor');
      expect(last.headers).not.toHaveProperty('link');
    });

    it('costs the same number of queries for 5 rows as for 50 (no N+1)', async () => {
      const n = await aUser(t);
      await t.sql.query(
        `INSERT INTO orders (buyer_id, seller_id, item_id, final_price_cents, status)
         SELECT $1, $2, $3, 1000 + g, 'PENDING' FROM generate_series(1, 60) AS g`,
        [n.id, seller.id, itemId],
      );
      const spy = jest.spyOn(t.app.get(DataSource), 'query');
      try {
        const count = async (limit: number) => {
          spy.mockClear();
          expect(await list(n, `?limit=${limit}`)).toHaveLength(limit);
          return spy.mock.calls.length;
        };
        await count(5); // warms the per-user account cache, which a first request fills
        const few = await count(5);
        expect(few).toBeGreaterThan(0);
        expect(await count(50)).toBe(few);
      } finally {
        spy.mockRestore();
      }
    });
  });
});
