import { aCast, anItem, aUser, countRows, type TestUser } from '../support/factories';
import { collectAll } from '../support/pages';
import { startTestApp, type TestApp } from '../support/test-app';
import { lockWaiters } from '../support/races';

type Dispute = {
  id: number;
  orderId: number;
  createdByUserId: number;
  reason: string;
  status: 'OPEN' | 'CLOSED';
  resolution: string | null;
  closedAt: string | null;
};

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const MISSING_ID = 2_147_483_647;
const REASON = 'The delivered files do not match the agreed specification.';
/** Bad list queries, including a well-formed cursor whose id does not fit an integer column. */
const BAD_PAGES = [
  'limit=0',
  'limit=201',
  'limit=two',
  'cursor=garbage',
  `cursor=${Buffer.from('[99999999999]').toString('base64url')}`,
];

describe('disputes', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;
  let itemId: number;

  beforeAll(async () => {
    // The race below holds 10 requests inside the database at once.
    t = await startTestApp({ DB_POOL_SIZE: '30' });
    ({ buyer, seller, stranger, admin, itemId } = await aCast(t));
  });
  afterAll(() => t.close());

  const newOrder = async (who = buyer, item = itemId): Promise<number> =>
    (await t.http.post('/orders').set(who.auth).send({ itemId: item, finalPrice: 80 }).expect(201))
      .body.id;
  const open = (who: TestUser, body: unknown) =>
    t.http
      .post('/disputes')
      .set(who.auth)
      .send(body as object);
  const aDispute = async (orderId: number, who = buyer, reason = REASON): Promise<Dispute> =>
    (await open(who, { orderId, reason }).expect(201)).body;
  const close = async (id: number): Promise<Dispute> =>
    (
      await t.http
        .patch(`/disputes/${id}/resolve`)
        .set(admin.auth)
        .send({ resolution: 'Settled' })
        .expect(200)
    ).body;
  const readDispute = async (id: number, who = buyer) =>
    (await t.http.get(`/disputes/${id}`).set(who.auth).expect(200)).body;
  const readOrder = async (id: number) =>
    (await t.http.get(`/orders/${id}`).set(buyer.auth).expect(200)).body;
  const setStatus = (orderId: number, status: string) =>
    t.http.patch(`/orders/${orderId}/status?status=${status}`).set(admin.auth).expect(200);
  /** Runs `act` and checks that it wrote no dispute and no dispute message. */
  const writesNothing = async <T>(act: () => Promise<T>): Promise<T> => {
    const before = [await countRows(t, 'disputes'), await countRows(t, 'dispute_messages')];
    const result = await act();
    expect([await countRows(t, 'disputes'), await countRows(t, 'dispute_messages')]).toEqual(
      before,
    );
    return result;
  };
  const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
  describe('POST /disputes', () => {
    it('opens an OPEN dispute for the buyer with exactly the documented fields', async () => {
      const orderId = await newOrder();
      const res = await open(buyer, { orderId, reason: REASON }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        orderId,
        kind: 'ORDER',
        createdByUserId: buyer.id,
        createdByUsername: buyer.username,
        reason: REASON,
        status: 'OPEN',
        resolution: null,
        createdAt: ISO,
        closedAt: null,
        dueBy: null,
      });
      expect(await readDispute(res.body.id)).toEqual({ ...res.body, messages: [] });
    });

    it('lets the seller open one too, and accepts order_id as an alias of orderId', async () => {
      const orderId = await newOrder();
      const res = await open(seller, { order_id: orderId, reason: 'Buyer never replied' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        orderId,
        createdByUserId: seller.id,
        createdByUsername: seller.username,
      });
    });

    it.each(['IN_PROGRESS', 'COMPLETED'])(
      "leaves a %s order's status as it is and flags hasOpenDispute",
      async (status) => {
        const orderId = await newOrder();
        await setStatus(orderId, status);
        const before = await readOrder(orderId);
        expect(before.hasOpenDispute).toBe(false);
        await aDispute(orderId);
        expect(await readOrder(orderId)).toEqual({ ...before, hasOpenDispute: true });
      },
    );

    it('stores the reason trimmed and accepts 500 characters as PostgreSQL counts them', async () => {
      expect((await aDispute(await newOrder(), buyer, '  late files \n')).reason).toBe(
        'late files',
      );
      for (const reason of ['x'.repeat(500), `  ${'x'.repeat(500)}  `, '😀'.repeat(500)]) {
        expect([...(await aDispute(await newOrder(), buyer, reason)).reason]).toHaveLength(500);
      }
    });

    it('shows createdByUsername from the user record, also after a rename', async () => {
      const d = await aDispute(await newOrder());
      await t.sql.query('UPDATE users SET username = $2 WHERE id = $1', [buyer.id, 'renamed_b']);
      try {
        expect((await readDispute(d.id, seller)).createdByUsername).toBe('renamed_b');
      } finally {
        await t.sql.query('UPDATE users SET username = $2 WHERE id = $1', [
          buyer.id,
          buyer.username,
        ]);
      }
    });

    it.each<[string, (orderId: number) => object, RegExp]>([
      ['reason empty', (o) => ({ orderId: o, reason: '' }), /reason/],
      ['reason whitespace only', (o) => ({ orderId: o, reason: ' \n\t ' }), /reason/],
      ['reason of 501 characters', (o) => ({ orderId: o, reason: 'x'.repeat(501) }), /reason/],
      [
        'reason of 502 code points',
        (o) => ({ orderId: o, reason: 'a\uFE0F'.repeat(251) }),
        /reason/,
      ],
      ['reason missing', (o) => ({ orderId: o }), /reason/],
      ['reason a number', (o) => ({ orderId: o, reason: 42 }), /reason/],
      ['reason null', (o) => ({ orderId: o, reason: null }), /reason/],
      ['orderId missing', () => ({ reason: REASON }), /orderId/],
      ['orderId as a string', (o) => ({ orderId: String(o), reason: REASON }), /orderId/],
      ['orderId 0', () => ({ orderId: 0, reason: REASON }), /orderId/],
      ['orderId -1', () => ({ orderId: -1, reason: REASON }), /orderId/],
      ['orderId 1.5', () => ({ orderId: 1.5, reason: REASON }), /orderId/],
      ['order_id as a string', (o) => ({ order_id: String(o), reason: REASON }), /order_?[iI]d/],
      ['an unknown field', (o) => ({ orderId: o, reason: REASON, status: 'CLOSED' }), /status/],
      [
        'createdByUserId set by the client',
        (o) => ({ orderId: o, reason: REASON, createdByUserId: 1 }),
        /property createdByUserId should not exist/,
      ],
      ['two bad fields, naming both', () => ({ orderId: 0, reason: '' }), /orderId.*reason/],
    ])('400 for %s, writing nothing', async (_name, body, field) => {
      const orderId = await newOrder();
      const res = await writesNothing(() => open(buyer, body(orderId)).expect(400));
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toMatch(field);
      expect((await readOrder(orderId)).hasOpenDispute).toBe(false);
    });

    it('403 for a stranger and for an admin who is not a party, writing nothing', async () => {
      const orderId = await newOrder();
      for (const who of [stranger, admin]) {
        const res = await writesNothing(() => open(who, { orderId, reason: REASON }).expect(403));
        expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      }
    });

    it('404 for an unknown order, writing nothing', async () => {
      const res = await writesNothing(() =>
        open(buyer, { orderId: MISSING_ID, reason: REASON }).expect(404),
      );
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });

    it('401 without a token, writing nothing', async () => {
      const orderId = await newOrder();
      await writesNothing(() =>
        t.http.post('/disputes').send({ orderId, reason: REASON }).expect(401),
      );
    });

    it('409 for a second OPEN dispute on the order, from either party, writing nothing', async () => {
      const orderId = await newOrder();
      const first = await aDispute(orderId);
      for (const who of [buyer, seller]) {
        const res = await writesNothing(() => open(who, { orderId, reason: 'again' }).expect(409));
        expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      }
      expect(await readDispute(first.id)).toMatchObject({ status: 'OPEN', reason: REASON });
    });

    it('opens a new dispute once the previous one is closed; hasOpenDispute follows', async () => {
      const orderId = await newOrder();
      const first = await aDispute(orderId);
      expect((await readOrder(orderId)).hasOpenDispute).toBe(true);
      await close(first.id);
      expect(await readOrder(orderId)).toMatchObject({ hasOpenDispute: false, status: 'PENDING' });
      const second = await aDispute(orderId, seller, 'Second round');
      expect(second.id).toBeGreaterThan(first.id);
      expect((await readOrder(orderId)).hasOpenDispute).toBe(true);
      await open(buyer, { orderId, reason: 'third' }).expect(409);
      expect(await readDispute(first.id)).toMatchObject({ status: 'CLOSED' });
      await close(second.id);
      expect((await readOrder(orderId)).hasOpenDispute).toBe(false);
    });

    it('lets exactly one of 10 concurrent opens win; the other 9 get 409', async () => {
      const orderId = await newOrder();
      // An uncommitted OPEN dispute makes every request wait on the unique index, so they all
      // collide inside the database; rolling it back lets exactly one of them through.
      const gate = await t.sql.connect();
      await gate.query('BEGIN');
      await gate.query(
        `INSERT INTO disputes (order_id, created_by_user_id, reason) VALUES ($1, $2, 'gate')`,
        [orderId, buyer.id],
      );
      const responses = Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          open(i % 2 ? seller : buyer, { orderId, reason: `race #${i}` }),
        ),
      );
      try {
        await lockWaiters(t, gate, 10);
      } finally {
        await gate.query('ROLLBACK');
        gate.release();
      }
      const codes = (await responses).map((r) => r.status).sort();
      expect(codes).toEqual([201, ...Array(9).fill(409)]);
      const { rows } = await t.sql.query('SELECT status FROM disputes WHERE order_id = $1', [
        orderId,
      ]);
      expect(rows).toEqual([{ status: 'OPEN' }]);
    });
  });

  describe('GET /disputes/user/my-disputes', () => {
    it("lists disputes on the caller's orders, either side, newest first, paginated", async () => {
      const [a, b, c] = await Promise.all([aUser(t), aUser(t), aUser(t)]);
      const [itemA, itemB] = [(await anItem(t, a)).id, (await anItem(t, b)).id];
      const d1 = await aDispute(await newOrder(a, itemB), b); // a buys, b opens
      const d2 = await aDispute(await newOrder(c, itemA), c); // a sells
      const d3 = await aDispute(await newOrder(c, itemB), c); // a is not involved
      const d4 = await aDispute(await newOrder(a, itemB), a);
      await close(d4.id);
      const mine = async (who: TestUser) =>
        (await collectAll<Dispute>(t, '/disputes/user/my-disputes?limit=1', who.auth)).rows;
      expect(ids(await mine(a))).toEqual([d4.id, d2.id, d1.id]);
      expect(ids(await mine(b))).toEqual([d4.id, d3.id, d1.id]);
      expect(ids(await mine(c))).toEqual([d3.id, d2.id]);
      expect((await mine(a))[0]).toMatchObject({ status: 'CLOSED', resolution: 'Settled' });
      const page = await t.http.get('/disputes/user/my-disputes?limit=2').set(a.auth).expect(200);
      expect(ids(page.body)).toEqual([d4.id, d2.id]);
      expect(page.headers.link).toContain(`cursor=${page.headers['x-next-cursor']}`);
      const lone = await aUser(t);
      const none = await t.http.get('/disputes/user/my-disputes').set(lone.auth).expect(200);
      expect(none.body).toEqual([]);
      expect(none.headers).not.toHaveProperty('x-next-cursor');
    });

    it('401 for anonymous', () => t.http.get('/disputes/user/my-disputes').expect(401));

    it.each(BAD_PAGES)('400 for ?%s', (query) =>
      t.http.get(`/disputes/user/my-disputes?${query}`).set(buyer.auth).expect(400),
    );
  });

  describe.each([
    ['/disputes/open', 'OPEN disputes, oldest first', 1],
    ['/disputes', 'every dispute, newest first', -1],
  ])('GET %s (ADMIN)', (path, _what, direction) => {
    it(`lists ${_what}, paginated`, async () => {
      const o = await newOrder();
      const closed = await aDispute(o);
      await close(closed.id);
      const open1 = await aDispute(o, seller);
      const open2 = await aDispute(await newOrder());
      const { rows, pages } = await collectAll<Dispute>(t, `${path}?limit=2`, admin.auth);
      expect(pages).toBeGreaterThan(1);
      const listed = ids(rows);
      expect(listed).toEqual([...listed].sort((x, y) => (x - y) * direction));
      expect(new Set(listed).size).toBe(listed.length);
      expect(listed).toEqual(expect.arrayContaining([open1.id, open2.id]));
      const { rows: all } = await t.sql.query(
        `SELECT id FROM disputes ${direction === 1 ? "WHERE status = 'OPEN'" : ''}`,
      );
      expect(listed).toHaveLength(all.length);
      if (direction === 1) {
        expect(rows.every((d) => d.status === 'OPEN')).toBe(true);
        expect(listed).not.toContain(closed.id);
      } else {
        expect(rows.find((d) => d.id === closed.id)).toEqual({
          ...closed,
          status: 'CLOSED',
          resolution: 'Settled',
          closedAt: ISO,
        });
      }
    });

    it('403 for the parties and a stranger, 401 for anonymous', async () => {
      await aDispute(await newOrder());
      for (const who of [buyer, seller, stranger]) {
        const res = await t.http.get(path).set(who.auth).expect(403);
        expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      }
      await t.http.get(path).expect(401);
    });

    it.each(BAD_PAGES)('400 for ?%s', (query) =>
      t.http.get(`${path}?${query}`).set(admin.auth).expect(400),
    );
  });
});
