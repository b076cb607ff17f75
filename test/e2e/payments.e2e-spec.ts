import { randomBytes } from 'node:crypto';
import { aCast, countRows, type TestUser } from '../support/factories';
import { collectAll } from '../support/pages';
import { raceBehindGate } from '../support/races';
import { startTestApp, type TestApp } from '../support/test-app';

type Payment = {
  id: number;
  orderId: number;
  stripeTxId: string;
  totalAmount: number;
  platformFee: number;
  currency: string;
  status: 'SUCCEEDED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
  refundedAmount: number;
  paymentDate: string;
  needsReview: boolean;
  reviewReason: string | null;
};

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const BAD_IDS = ['abc', '0', '1e3', '99999999999', '-1', '1.5'];
const MISSING_ID = 2_147_483_647;
const BAD_PAGES = [
  'limit=0',
  'limit=201',
  'limit=two',
  'cursor=garbage',
  `cursor=${Buffer.from('[99999999999]').toString('base64url')}`,
];
const txId = () => `pi_test_${randomBytes(8).toString('hex')}`;

describe('payments', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;
  let itemId: number;

  beforeAll(async () => {
    // The race below holds 8 requests inside the database at once.
    t = await startTestApp({ DB_POOL_SIZE: '30' });
    ({ buyer, seller, stranger, admin, itemId } = await aCast(t));
  });
  afterAll(() => t.close());

  const newOrder = async (): Promise<number> =>
    (await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice: 100 }).expect(201))
      .body.id;
  const record = (body: unknown, who = admin) =>
    t.http
      .post('/payments')
      .set(who.auth)
      .send(body as object);
  const aPayment = async (totalAmount = 100, orderId?: number): Promise<Payment> =>
    (
      await record({
        orderId: orderId ?? (await newOrder()),
        stripeTxId: txId(),
        totalAmount,
      }).expect(201)
    ).body;
  const settings = async () =>
    (await t.http.get('/payments/settings').set(admin.auth).expect(200)).body;
  const setFee = (platformFeePercent: unknown, who = admin) =>
    t.http.put('/payments/settings').set(who.auth).send({ platformFeePercent });
  const paymentOf = async (orderId: number, who = admin): Promise<Payment> =>
    (await t.http.get(`/payments/order/${orderId}`).set(who.auth).expect(200)).body;
  const messageOf = (res: { body: { message: unknown } }) => JSON.stringify(res.body.message);

  describe('GET and PUT /payments/settings (ADMIN)', () => {
    it('starts at 10%, and a change is kept, dated and attributed to the admin', async () => {
      expect(await settings()).toEqual({ platformFeePercent: 10, updatedAt: ISO });
      const before = await settings();
      const res = await setFee(12.5).expect(200);
      expect(res.body).toEqual({ platformFeePercent: 12.5, updatedAt: ISO });
      expect(res.body.updatedAt >= before.updatedAt).toBe(true);
      expect(await settings()).toEqual(res.body);
      const { rows } = await t.sql.query('SELECT updated_by_user_id AS u FROM payment_settings');
      expect(rows).toEqual([{ u: admin.id }]);
      for (const percent of [0, 100, 33.33, 10]) {
        expect((await setFee(percent).expect(200)).body.platformFeePercent).toBe(percent);
      }
    });

    it.each<[string, object]>([
      ['-1', { platformFeePercent: -1 }],
      ['100.01', { platformFeePercent: 100.01 }],
      ['12.345', { platformFeePercent: 12.345 }],
      ['"10" as a string', { platformFeePercent: '10' }],
      ['null', { platformFeePercent: null }],
      ['missing', {}],
    ])('400 for platformFeePercent %s, leaving the fee as it is', async (_name, body) => {
      const before = await settings();
      const res = await t.http.put('/payments/settings').set(admin.auth).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(messageOf(res)).toMatch(/platformFeePercent/);
      expect(await settings()).toEqual(before);
    });

    it('400 for an unknown field', async () => {
      const res = await t.http
        .put('/payments/settings')
        .set(admin.auth)
        .send({ platformFeePercent: 5, currency: 'EUR' })
        .expect(400);
      expect(messageOf(res)).toMatch(/property currency should not exist/);
      expect((await settings()).platformFeePercent).toBe(10);
    });

    it('403 for every non-admin, 401 anonymous, changing nothing', async () => {
      const before = await settings();
      for (const who of [buyer, seller, stranger]) {
        const read = await t.http.get('/payments/settings').set(who.auth).expect(403);
        expect(read.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
        await setFee(50, who).expect(403);
      }
      await t.http.get('/payments/settings').expect(401);
      await t.http.put('/payments/settings').send({ platformFeePercent: 50 }).expect(401);
      expect(await settings()).toEqual(before);
    });
  });

  describe('POST /payments (ADMIN)', () => {
    it('records a payment with exactly the documented fields, fee from the setting', async () => {
      await setFee(10).expect(200);
      const orderId = await newOrder();
      const stripeTxId = txId();
      const res = await record({ orderId, stripeTxId: ` ${stripeTxId} `, totalAmount: 100 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        orderId,
        stripeTxId,
        totalAmount: 100,
        platformFee: 10,
        currency: 'EUR',
        status: 'SUCCEEDED',
        refundedAmount: 0,
        chargebackAmount: 0,
        paymentDate: ISO,
        needsReview: false,
        reviewReason: null,
      });
      expect(await paymentOf(orderId)).toEqual(res.body);
      const usd = await record({
        orderId: await newOrder(),
        stripeTxId: txId(),
        totalAmount: 20,
        currency: 'usd',
      }).expect(201);
      expect(usd.body).toMatchObject({ totalAmount: 20, platformFee: 2, currency: 'USD' });
    });

    it.each([
      [12.5, 101.01, 12.63, 1263],
      [10, 0.05, 0.01, 1],
      [10, 0.04, 0, 0],
      [12.5, 0.04, 0.01, 1],
      [12.34, 999.99, 123.4, 12340],
      [0, 50, 0, 0],
      [100, 33.33, 33.33, 3333],
      [33.33, 1_000_000, 333_300, 33_330_000],
    ])(
      '%p%% of %p is a fee of %p, rounded half-up and stored exactly',
      async (pct, total, fee, cents) => {
        await setFee(pct).expect(200);
        const p = await aPayment(total);
        expect(p).toMatchObject({ totalAmount: total, platformFee: fee });
        const { rows } = await t.sql.query(
          'SELECT platform_fee_cents AS c, platform_fee_percent AS pct FROM payments WHERE id = $1',
          [p.id],
        );
        expect(rows).toEqual([{ c: cents, pct: pct.toFixed(2) }]);
      },
    );

    it('keeps a recorded fee when the setting changes afterwards', async () => {
      await setFee(10).expect(200);
      const old = await aPayment(200);
      expect(old.platformFee).toBe(20);
      await setFee(12.5).expect(200);
      const fresh = await aPayment(200);
      expect(fresh.platformFee).toBe(25);
      expect(await paymentOf(old.orderId)).toEqual(old);
      const { rows } = await t.sql.query(
        'SELECT platform_fee_percent AS pct FROM payments WHERE id = $1',
        [old.id],
      );
      expect(rows).toEqual([{ pct: '10.00' }]);
    });

    it.each<[string, (orderId: number) => object, RegExp]>([
      ['totalAmount 0', (o) => ({ orderId: o, stripeTxId: txId(), totalAmount: 0 }), /totalAm/],
      ['totalAmount -1', (o) => ({ orderId: o, stripeTxId: txId(), totalAmount: -1 }), /totalAm/],
      [
        'totalAmount 0.1 + 0.2',
        (o) => ({ orderId: o, stripeTxId: txId(), totalAmount: 0.1 + 0.2 }),
        /totalAmount/,
      ],
      ['totalAmount "5"', (o) => ({ orderId: o, stripeTxId: txId(), totalAmount: '5' }), /total/],
      [
        'totalAmount 1000000.01',
        (o) => ({ orderId: o, stripeTxId: txId(), totalAmount: 1_000_000.01 }),
        /totalAmount/,
      ],
      ['totalAmount missing', (o) => ({ orderId: o, stripeTxId: txId() }), /totalAmount/],
      ['stripeTxId missing', (o) => ({ orderId: o, totalAmount: 5 }), /stripeTxId/],
      ['stripeTxId blank', (o) => ({ orderId: o, stripeTxId: '  ', totalAmount: 5 }), /stripeTx/],
      ['stripeTxId a number', (o) => ({ orderId: o, stripeTxId: 7, totalAmount: 5 }), /stripeTx/],
      [
        'stripeTxId of 256 characters',
        (o) => ({ orderId: o, stripeTxId: 'x'.repeat(256), totalAmount: 5 }),
        /stripeTxId/,
      ],
      ['orderId missing', () => ({ stripeTxId: txId(), totalAmount: 5 }), /orderId/],
      ['orderId "1"', (o) => ({ orderId: String(o), stripeTxId: txId(), totalAmount: 5 }), /order/],
      ['orderId 0', () => ({ orderId: 0, stripeTxId: txId(), totalAmount: 5 }), /orderId/],
      ['orderId 1.5', () => ({ orderId: 1.5, stripeTxId: txId(), totalAmount: 5 }), /orderId/],
      ...['EURO', 'E1R', '', 'eu'].map((currency): [string, (o: number) => object, RegExp] => [
        `currency ${JSON.stringify(currency)}`,
        (o) => ({ orderId: o, stripeTxId: txId(), totalAmount: 5, currency }),
        /currency/,
      ]),
      [
        'an unknown field',
        (o) => ({ orderId: o, stripeTxId: txId(), totalAmount: 5, platformFee: 0 }),
        /property platformFee should not exist/,
      ],
      [
        'two bad fields, naming both',
        () => ({ orderId: 0, stripeTxId: txId(), totalAmount: 0 }),
        /orderId.*totalAmount/,
      ],
    ])('400 for %s, writing nothing', async (_name, body, field) => {
      const orderId = await newOrder();
      const before = await countRows(t, 'payments');
      const res = await record(body(orderId)).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(messageOf(res)).toMatch(field);
      expect(await countRows(t, 'payments')).toBe(before);
    });

    it('404 for an unknown order, writing nothing', async () => {
      const before = await countRows(t, 'payments');
      const res = await record({ orderId: MISSING_ID, stripeTxId: txId(), totalAmount: 5 });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      expect(await countRows(t, 'payments')).toBe(before);
    });

    it('409 for a second payment on the order and for a reused stripeTxId', async () => {
      const first = await aPayment(80);
      const before = await countRows(t, 'payments');
      const again = await record({ orderId: first.orderId, stripeTxId: txId(), totalAmount: 80 });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(again.body.message).toMatch(/already has a payment/);
      const other = await newOrder();
      const reused = await record({ orderId: other, stripeTxId: first.stripeTxId, totalAmount: 9 });
      expect(reused.status).toBe(409);
      expect(reused.body.message).toMatch(/stripeTxId/);
      expect(await countRows(t, 'payments')).toBe(before);
      expect(await paymentOf(first.orderId)).toEqual(first);
      await t.http.get(`/payments/order/${other}`).set(admin.auth).expect(404);
    });

    it('records exactly one of 8 concurrent payments for one order; the rest get 409', async () => {
      const orderId = await newOrder();
      // An uncommitted payment for the order holds every request on the unique index.
      const responses = await raceBehindGate(
        t,
        {
          sql: `INSERT INTO payments (order_id, stripe_tx_id, total_amount_cents, platform_fee_cents,
                  platform_fee_percent, currency, payment_date)
                VALUES ($1, $2, 100, 10, 10, 'EUR', now())`,
          params: [orderId, txId()],
        },
        8,
        () => record({ orderId, stripeTxId: txId(), totalAmount: 42 }),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array(7).fill(409)]);
      const winner = responses.find((r) => r.status === 201)!.body as Payment;
      expect(await paymentOf(orderId)).toEqual(winner);
      const { rows } = await t.sql.query('SELECT id FROM payments WHERE order_id = $1', [orderId]);
      expect(rows).toEqual([{ id: winner.id }]);
    });

    it('403 for the parties and a stranger, 401 anonymous, writing nothing', async () => {
      const orderId = await newOrder();
      const body = { orderId, stripeTxId: txId(), totalAmount: 5 };
      for (const who of [buyer, seller, stranger]) {
        expect((await record(body, who).expect(403)).body).toMatchObject({ error: 'Forbidden' });
      }
      await t.http.post('/payments').send(body).expect(401);
      await t.http.get(`/payments/order/${orderId}`).set(admin.auth).expect(404);
    });
  });

  describe('GET /payments/order/{orderId}', () => {
    it("shows the order's payment to its buyer, its seller and an admin", async () => {
      const p = await aPayment(64.2);
      for (const who of [buyer, seller, admin]) expect(await paymentOf(p.orderId, who)).toEqual(p);
    });

    it('403 for a stranger, 401 anonymous', async () => {
      const p = await aPayment();
      const res = await t.http.get(`/payments/order/${p.orderId}`).set(stranger.auth).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      await t.http.get(`/payments/order/${p.orderId}`).expect(401);
    });

    it('404 for an order without a payment and for a missing order', async () => {
      const unpaid = await newOrder();
      for (const who of [buyer, admin]) {
        const res = await t.http.get(`/payments/order/${unpaid}`).set(who.auth).expect(404);
        expect(res.body.message).toMatch(/no recorded payment/);
      }
      await t.http.get(`/payments/order/${MISSING_ID}`).set(admin.auth).expect(404);
    });

    it.each(BAD_IDS)('400 for the id %p', async (id) => {
      const res = await t.http.get(`/payments/order/${id}`).set(buyer.auth).expect(400);
      expect(res.body.message).toMatch(/orderId must be a positive integer/);
    });
  });

  describe('GET /payments (ADMIN)', () => {
    it('lists every payment once, newest first, paginated', async () => {
      const made = [await aPayment(1), await aPayment(2), await aPayment(3)];
      const { rows, pages } = await collectAll<Payment>(t, '/payments?limit=2', admin.auth);
      expect(pages).toBeGreaterThan(1);
      const ids = rows.map((p) => p.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(ids).toHaveLength(await countRows(t, 'payments'));
      expect(rows.slice(0, 3)).toEqual(made.reverse());
      const page = await t.http.get('/payments?limit=2').set(admin.auth).expect(200);
      expect(page.body).toEqual(rows.slice(0, 2));
      expect(page.headers.link).toContain(`cursor=${page.headers['x-next-cursor']}`);
    });

    it('403 for the parties and a stranger, 401 anonymous', async () => {
      await aPayment();
      for (const who of [buyer, seller, stranger]) {
        await t.http.get('/payments').set(who.auth).expect(403);
      }
      await t.http.get('/payments').expect(401);
    });

    it.each(BAD_PAGES)('400 for ?%s', (query) =>
      t.http.get(`/payments?${query}`).set(admin.auth).expect(400),
    );
  });
});
