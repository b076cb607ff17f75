import { randomBytes } from 'node:crypto';
import { aUser, anAdmin, anItem, countRows, type TestUser } from '../support/factories';
import { lockWaiters, raceBehindGate } from '../support/races';
import { startTestApp, type TestApp } from '../support/test-app';

type Payment = {
  id: number;
  orderId: number;
  totalAmount: number;
  platformFee: number;
  status: 'SUCCEEDED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
  refundedAmount: number;
};
type Dispute = { id: number; orderId: number; status: 'OPEN' | 'CLOSED' };

const RESOLUTION = 'Partial refund agreed after reviewing the deliverables.';

/** Refunds are recorded by PATCH /disputes/{id}/resolve (or /close) with a refundAmount. */
describe('payments: refunds through dispute resolution', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, admin: TestUser;
  let itemId: number;

  beforeAll(async () => {
    // The races below hold up to 8 requests inside the database at once.
    t = await startTestApp({ DB_POOL_SIZE: '30' });
    [buyer, seller, admin] = await Promise.all([aUser(t, 'buyer'), aUser(t, 'seller'), anAdmin(t)]);
    itemId = (await anItem(t, seller)).id;
  });
  afterAll(() => t.close());

  const newOrder = async (): Promise<number> =>
    (await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice: 100 }).expect(201))
      .body.id;
  const aPayment = async (totalAmount = 100): Promise<Payment> =>
    (
      await t.http
        .post('/payments')
        .set(admin.auth)
        .send({
          orderId: await newOrder(),
          stripeTxId: `pi_${randomBytes(8).toString('hex')}`,
          totalAmount,
        })
        .expect(201)
    ).body;
  const aDispute = async (orderId: number, who = buyer): Promise<Dispute> =>
    (
      await t.http
        .post('/disputes')
        .set(who.auth)
        .send({ orderId, reason: 'Late files' })
        .expect(201)
    ).body;
  const resolve = (id: number, refundAmount?: number, path = 'resolve') =>
    t.http
      .patch(`/disputes/${id}/${path}`)
      .set(admin.auth)
      .send({ resolution: RESOLUTION, refundAmount });
  const paymentOf = async (orderId: number): Promise<Payment> =>
    (await t.http.get(`/payments/order/${orderId}`).set(buyer.auth).expect(200)).body;
  const disputeStatus = async (id: number) =>
    (await t.http.get(`/disputes/${id}`).set(admin.auth).expect(200)).body.status;
  /** Resolves a fresh dispute on the order with `refundAmount`, expecting `status`. */
  const refund = async (orderId: number, refundAmount: number, status = 200, path = 'resolve') => {
    const d = await aDispute(orderId);
    const res = await resolve(d.id, refundAmount, path);
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    expect(await disputeStatus(d.id)).toBe(status === 200 ? 'CLOSED' : 'OPEN');
    return { dispute: d, res };
  };

  it('adds each refund to refundedAmount: PARTIALLY_REFUNDED, then REFUNDED', async () => {
    const p = await aPayment(100);
    const { res } = await refund(p.orderId, 40);
    expect(res.body).toMatchObject({ status: 'CLOSED', resolution: RESOLUTION });
    expect(await paymentOf(p.orderId)).toEqual({
      ...p,
      refundedAmount: 40,
      status: 'PARTIALLY_REFUNDED',
    });
    await refund(p.orderId, 59.99, 200, 'close');
    expect(await paymentOf(p.orderId)).toMatchObject({
      refundedAmount: 99.99,
      status: 'PARTIALLY_REFUNDED',
    });
    await refund(p.orderId, 0.01);
    expect(await paymentOf(p.orderId)).toEqual({ ...p, refundedAmount: 100, status: 'REFUNDED' });
    const { rows } = await t.sql.query(
      'SELECT refunded_amount_cents AS r, platform_fee_cents AS f FROM payments WHERE id = $1',
      [p.id],
    );
    expect(rows).toEqual([{ r: 10000, f: 1000 }]);
  });

  it('refunds the whole amount in one go', async () => {
    const p = await aPayment(150.07);
    await refund(p.orderId, 150.07);
    expect(await paymentOf(p.orderId)).toMatchObject({
      refundedAmount: 150.07,
      status: 'REFUNDED',
    });
  });

  it('400 beyond what is left: the dispute stays OPEN and the payment unchanged', async () => {
    const p = await aPayment(100);
    const fresh = await refund(p.orderId, 100.01, 400);
    expect(fresh.res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(await paymentOf(p.orderId)).toEqual(p);
    await resolve(fresh.dispute.id).expect(200);

    await refund(p.orderId, 70);
    const partly = await paymentOf(p.orderId);
    const over = await refund(p.orderId, 30.01, 400);
    expect(over.res.body.message).toMatch(/more than what is left.*\(30\)/);
    expect(await paymentOf(p.orderId)).toEqual(partly);
    const order = (await t.http.get(`/orders/${p.orderId}`).set(buyer.auth).expect(200)).body;
    expect(order.hasOpenDispute).toBe(true);
    // The same dispute can still be resolved with what is left.
    await resolve(over.dispute.id, 30).expect(200);
    expect(await paymentOf(p.orderId)).toMatchObject({ refundedAmount: 100, status: 'REFUNDED' });

    const done = await refund(p.orderId, 0.01, 400);
    expect(done.res.body.message).toMatch(/\(0\)/);
    await resolve(done.dispute.id).expect(200);
    expect(await paymentOf(p.orderId)).toMatchObject({ refundedAmount: 100, status: 'REFUNDED' });
  });

  it('400 for a refund on an order with no payment; the dispute stays OPEN', async () => {
    const orderId = await newOrder();
    const before = await countRows(t, 'payments');
    const { res } = await refund(orderId, 10, 400);
    expect(res.body.message).toMatch(/no recorded payment/);
    expect(await countRows(t, 'payments')).toBe(before);
    await t.http.get(`/payments/order/${orderId}`).set(buyer.auth).expect(404);
  });

  it('applies the refund of exactly one of 8 concurrent resolves of one dispute', async () => {
    const p = await aPayment(100);
    const d = await aDispute(p.orderId);
    const responses = await raceBehindGate(
      t,
      { sql: 'SELECT id FROM disputes WHERE id = $1 FOR UPDATE', params: [d.id] },
      8,
      () => resolve(d.id, 30),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array(7).fill(409)]);
    expect(await paymentOf(p.orderId)).toMatchObject({ refundedAmount: 30 });
  });

  it('re-checks what is left after waiting for a refund committed meanwhile', async () => {
    const p = await aPayment(100);
    const d = await aDispute(p.orderId);
    // Another refund of 60 on the same payment, uncommitted while the resolve arrives.
    const other = await t.sql.connect();
    let pending: Promise<{ status: number; body: { message: string } }>;
    try {
      await other.query('BEGIN');
      await other.query(
        `UPDATE payments SET dispute_refunded_cents = 6000, refunded_amount_cents = 6000,
                             status = 'PARTIALLY_REFUNDED'
         WHERE id = $1`,
        [p.id],
      );
      // With its ledger entry, as the service writes it (the fee is 10%: 6.00 of it back).
      await other.query(
        `INSERT INTO ledger_entries (seller_id, order_id, payment_id, type, amount_cents,
                                     platform_fee_cents, currency, state)
         VALUES ($1, $2, $3, 'REFUND', -5400, -600, 'EUR', 'PENDING')`,
        [seller.id, p.orderId, p.id],
      );
      pending = Promise.resolve(resolve(d.id, 60));
      await lockWaiters(t, other, 1);
    } finally {
      await other.query('COMMIT');
      other.release();
    }
    const res = await pending;
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/\(40\)/);
    expect(await disputeStatus(d.id)).toBe('OPEN');
    expect(await paymentOf(p.orderId)).toMatchObject({ refundedAmount: 60 });
    await resolve(d.id, 40).expect(200);
    expect(await paymentOf(p.orderId)).toMatchObject({ refundedAmount: 100, status: 'REFUNDED' });
  });

  it('never refunds more than the total while disputes open and close concurrently', async () => {
    const p = await aPayment(100);
    let refunded = 0;
    let full = false;
    // Each worker opens a dispute (or finds the open one) and resolves it with a refund of 30,
    // until one is refused for not fitting; a refused dispute is then closed without a refund.
    const worker = async (who: TestUser) => {
      for (let i = 0; i < 30 && !full; i++) {
        const opened = await t.http
          .post('/disputes')
          .set(who.auth)
          .send({ orderId: p.orderId, reason: `race ${i}` });
        expect([201, 409]).toContain(opened.status);
        const current =
          opened.status === 201
            ? (opened.body as Dispute)
            : (await t.http.get(`/disputes/order/${p.orderId}`).set(who.auth).expect(200)).body;
        const res = await resolve(current.id, 30);
        expect([200, 400, 409]).toContain(res.status);
        if (res.status === 200) refunded += 30;
        if (res.status === 400) {
          full = true;
          expect(res.body.message).toMatch(/more than what is left/);
          expect([200, 409]).toContain((await resolve(current.id)).status);
        }
      }
    };
    await Promise.all([buyer, seller, buyer, seller].map(worker));
    expect(full).toBe(true);
    expect(refunded).toBe(90);
    expect(await paymentOf(p.orderId)).toMatchObject({
      refundedAmount: 90,
      status: 'PARTIALLY_REFUNDED',
    });
    const { rows } = await t.sql.query(
      `SELECT count(*)::int AS n FROM disputes WHERE order_id = $1 AND status = 'OPEN'`,
      [p.orderId],
    );
    expect(rows).toEqual([{ n: 0 }]);
  });
});
