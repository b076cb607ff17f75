import { randomBytes } from 'node:crypto';
import {
  aDispute,
  resolveDispute,
  setMarketplaceSettings,
  setPlatformFee,
  until,
  ZERO,
  type LedgerEntry,
  type Totals,
} from '../support/earnings';
import { aCast, aUser, anItem, type TestUser } from '../support/factories';
import { aChargeRefundedEvent, aWebhookSecret, signStripe } from '../support/stripe';
import { startTestApp, type TestApp } from '../support/test-app';

const SECRET = aWebhookSecret();
/** Jobs are looked for twice a second; clearance periods are seconds here. */
const ENV = { JOBS_POLL_SECONDS: '0.5', STRIPE_WEBHOOK_SECRET: SECRET };
const hex = () => randomBytes(8).toString('hex');

/** The seller's ledger: GET /users/me/earnings and /users/me/earnings/entries. */
describe('earnings', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp(ENV);
    ({ buyer, seller, stranger, admin } = await aCast(t));
    await setPlatformFee(t, admin, 12.5);
  });
  afterAll(() => t.close());

  const clearance = (clearancePeriod: string) =>
    setMarketplaceSettings(t, admin, { clearancePeriod });
  /** A fresh seller with a listing, so that each test reads totals of its own. */
  const aSeller = async () => {
    const s = await aUser(t, 'seller');
    return { seller: s, itemId: (await anItem(t, s)).id };
  };
  const anOrder = async (itemId: number, finalPrice = 100): Promise<number> =>
    (await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice }).expect(201)).body.id;
  const pay = async (orderId: number, totalAmount = 100, stripeTxId = `pi_${hex()}`) =>
    (
      await t.http
        .post('/payments')
        .set(admin.auth)
        .send({ orderId, stripeTxId, totalAmount })
        .expect(201)
    ).body as { id: number; stripeTxId: string };
  const move = (orderId: number, status: string, who: TestUser) =>
    t.http.patch(`/orders/${orderId}/status?status=${status}`).set(who.auth).expect(200);
  const complete = async (orderId: number, who: TestUser) => {
    await move(orderId, 'IN_PROGRESS', who);
    await move(orderId, 'COMPLETED', who);
  };
  const totals = async (who: TestUser): Promise<Totals> =>
    (await t.http.get('/users/me/earnings').set(who.auth).expect(200)).body;
  const entries = async (who: TestUser, query = ''): Promise<LedgerEntry[]> =>
    (await t.http.get(`/users/me/earnings/entries${query}`).set(who.auth).expect(200)).body;
  /** The ledger invariant of every order with a payment, in SQL: the rows that break it. */
  const broken = async () =>
    (
      await t.sql.query(
        `SELECT p.order_id, p.total_amount_cents, p.refunded_amount_cents, p.chargeback_cents,
                COALESCE(sum(e.amount_cents), 0) AS seller, COALESCE(sum(e.platform_fee_cents), 0) AS fee
         FROM payments p LEFT JOIN ledger_entries e ON e.order_id = p.order_id
         GROUP BY p.id
         HAVING COALESCE(sum(e.amount_cents), 0) + COALESCE(sum(e.platform_fee_cents), 0)
                + p.refunded_amount_cents + p.chargeback_cents <> p.total_amount_cents`,
      )
    ).rows;

  it("follows an order through its whole life in the seller's totals", async () => {
    await clearance('PT2S');
    const s = await aSeller();
    expect(await totals(s.seller)).toEqual(ZERO);

    const orderId = await anOrder(s.itemId);
    await pay(orderId);
    // 100.00 paid, 12.50 fee: 87.50 is the seller's, PENDING while the order is not COMPLETED.
    expect(await totals(s.seller)).toEqual({ ...ZERO, pending: 87.5 });
    const [earning] = await entries(s.seller);
    expect(earning).toEqual({
      id: expect.any(Number),
      orderId,
      payoutId: null,
      type: 'EARNING',
      amount: 87.5,
      platformFee: 12.5,
      currency: 'EUR',
      state: 'PENDING',
      availableAt: null,
      execution: null,
      externalRef: null,
      createdAt: expect.any(String),
    });

    await move(orderId, 'IN_PROGRESS', s.seller);
    expect(await totals(s.seller)).toEqual({ ...ZERO, pending: 87.5 });

    const before = Date.now();
    await move(orderId, 'COMPLETED', s.seller);
    expect(await totals(s.seller)).toEqual({ ...ZERO, clearing: 87.5 });
    const [clearing] = await entries(s.seller);
    expect(clearing.state).toBe('CLEARING');
    const clearsAt = new Date(clearing.availableAt!).getTime();
    expect(clearsAt).toBeGreaterThanOrEqual(before + 2000 - 1000);
    expect(clearsAt).toBeLessThanOrEqual(Date.now() + 2000);

    // The durable clearance job makes it AVAILABLE at availableAt.
    await until(async () => (await totals(s.seller)).available === 87.5, 'the clearance');
    expect(await totals(s.seller)).toEqual({ ...ZERO, available: 87.5 });

    // A dispute holds it; its resolution with a refund of 40 takes 35 from the seller (ECHO
    // gives back 40 × 12.50 / 100 = 5 of its fee) and releases the rest.
    const disputeId = await aDispute(t, buyer, orderId);
    expect(await totals(s.seller)).toEqual({ ...ZERO, held: 87.5 });
    expect((await entries(s.seller))[0].state).toBe('HELD');
    await resolveDispute(t, admin, disputeId, 40);
    expect(await totals(s.seller)).toEqual({ ...ZERO, available: 52.5 });
    const [refund, released] = await entries(s.seller);
    expect(refund).toMatchObject({
      orderId,
      type: 'REFUND',
      amount: -35,
      platformFee: -5,
      state: 'AVAILABLE',
      availableAt: released.availableAt,
      // No Stripe key on this server: the refund is for an operator to make.
      execution: 'MANUAL',
      externalRef: null,
    });
    expect(released).toMatchObject({ id: earning.id, type: 'EARNING', amount: 87.5 });
    expect(await broken()).toEqual([]);
    await clearance('P7D');
  });

  it('follows a PROTECTED order that the platform completes by itself', async () => {
    await setMarketplaceSettings(t, admin, { autoCompleteAfter: 'PT1S' });
    const s = await aUser(t, 'seller');
    const item = await anItem(t, s, { process: 'PROTECTED' });
    const orderId = (
      await t.http.post('/orders').set(buyer.auth).send({ itemId: item.id }).expect(201)
    ).body.id as number;
    await pay(orderId, item.basePrice ?? 100);
    await move(orderId, 'IN_PROGRESS', s);
    await t.http
      .post(`/orders/${orderId}/deliveries`)
      .set(s.auth)
      .send({ message: 'Done' })
      .expect(201);
    expect((await entries(s))[0].state).toBe('PENDING');
    // The auto-complete job completes it, and the ledger follows in the same transaction.
    await until(async () => (await entries(s))[0].state === 'CLEARING', 'the auto-complete');
    const history = (await t.http.get(`/orders/${orderId}/history`).set(s.auth).expect(200)).body;
    expect(history.at(-1)).toMatchObject({ status: 'COMPLETED', reason: 'AUTO_COMPLETED' });
    await clearance('P7D');
  });

  it('clears from the payment when it arrives after completion, and sees no one else', async () => {
    await clearance('P7D');
    const s = await aSeller();
    const orderId = await anOrder(s.itemId, 20);
    await complete(orderId, s.seller);
    expect(await totals(s.seller)).toEqual(ZERO);
    const paidAt = Date.now();
    await pay(orderId, 20);
    const [entry] = await entries(s.seller);
    expect(entry).toMatchObject({ type: 'EARNING', amount: 17.5, state: 'CLEARING' });
    const days7 = 7 * 86400_000;
    expect(new Date(entry.availableAt!).getTime()).toBeGreaterThanOrEqual(paidAt + days7 - 5000);
    expect(await totals(s.seller)).toEqual({ ...ZERO, clearing: 17.5 });
    // The buyer and a stranger have earned nothing; the seller's entries are theirs alone.
    expect(await totals(buyer)).toEqual(ZERO);
    expect(await entries(stranger)).toEqual([]);
  });

  it('goes back to PENDING when an admin reopens a COMPLETED order', async () => {
    await clearance('P7D');
    const s = await aSeller();
    const orderId = await anOrder(s.itemId, 10);
    await pay(orderId, 10);
    await complete(orderId, s.seller);
    expect(await totals(s.seller)).toEqual({ ...ZERO, clearing: 8.75 });
    await move(orderId, 'IN_PROGRESS', admin);
    expect(await totals(s.seller)).toEqual({ ...ZERO, pending: 8.75 });
    expect((await entries(s.seller))[0]).toMatchObject({ state: 'PENDING', availableAt: null });
  });

  /** Stripe's signed charge.refunded for the order's payment: `amountRefunded` cents so far. */
  const refundedAtStripe = (
    payment: { stripeTxId: string },
    orderId: number,
    amountRefunded: number,
    id?: string,
  ) => {
    const e = aChargeRefundedEvent(
      { paymentIntent: payment.stripeTxId, amountRefunded, orderId },
      id,
    );
    return t.http
      .post('/payments/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signStripe(e.payload, SECRET))
      .send(e.payload)
      .expect(200);
  };

  it("takes Stripe's refunds once, and a decided refund of the same money not again", async () => {
    const s = await aSeller();
    const orderId = await anOrder(s.itemId);
    const payment = await pay(orderId);
    const send = (amountRefunded: number, id?: string) =>
      refundedAtStripe(payment, orderId, amountRefunded, id);
    const first = await send(2000, `evt_${hex()}`);
    expect(first.body.outcome).toMatch(/^recorded refund/);
    // 20.00 back: 20 × 12.50 / 100 = 2.50 of the fee, 17.50 from the seller.
    let list = await entries(s.seller);
    expect(list.map((e) => [e.type, e.amount, e.platformFee, e.execution])).toEqual([
      ['REFUND', -17.5, -2.5, null],
      ['EARNING', 87.5, 12.5, null],
    ]);
    // Stripe's running total again (a replay under a new id): nothing new.
    await send(2000);
    expect(await entries(s.seller)).toHaveLength(2);
    // An admin's refund of the same 20.00 is that money, not more.
    await resolveDispute(t, admin, await aDispute(t, buyer, orderId), 20);
    expect(await entries(s.seller)).toHaveLength(2);
    // Stripe's total rises to 50.00: 30.00 more, its fee part on the running total.
    await send(5000);
    list = await entries(s.seller);
    expect(list[0]).toMatchObject({ type: 'REFUND', amount: -26.25, platformFee: -3.75 });
    expect(await totals(s.seller)).toEqual({ ...ZERO, pending: 43.75 });
    expect(await broken()).toEqual([]);
  });

  it("marks a MANUAL refund made once Stripe's refunded total covers it", async () => {
    const s = await aSeller();
    const orderId = await anOrder(s.itemId);
    const payment = await pay(orderId);
    const refunds = async () =>
      (await entries(s.seller))
        .filter((e) => e.type === 'REFUND')
        .map((e) => [e.amount + e.platformFee, e.execution]);
    // No Stripe key here: the decided refund of 30.00 is for an operator to make.
    await resolveDispute(t, admin, await aDispute(t, buyer, orderId), 30);
    expect(await refunds()).toEqual([[-30, 'MANUAL']]);
    // Stripe reports 20.00 refunded so far: not all of it yet.
    await refundedAtStripe(payment, orderId, 2000);
    expect(await refunds()).toEqual([[-30, 'MANUAL']]);
    // 30.00: the operator made it. Reported again, nothing changes.
    await refundedAtStripe(payment, orderId, 3000);
    expect(await refunds()).toEqual([[-30, 'SUCCEEDED']]);
    await refundedAtStripe(payment, orderId, 3000);
    expect(await refunds()).toEqual([[-30, 'SUCCEEDED']]);
    // 50.00: 20.00 more that Stripe made by itself, booked with nothing for ECHO to move.
    await refundedAtStripe(payment, orderId, 5000);
    expect(await refunds()).toEqual([
      [-20, null],
      [-30, 'SUCCEEDED'],
    ]);
    expect(await broken()).toEqual([]);
  });

  it('a full refund leaves nothing to the seller and the whole fee back', async () => {
    const s = await aSeller();
    const orderId = await anOrder(s.itemId, 3);
    await setPlatformFee(t, admin, 33.33);
    try {
      await pay(orderId, 3);
      for (let i = 0; i < 3; i++)
        await resolveDispute(t, admin, await aDispute(t, buyer, orderId), 1);
      const list = await entries(s.seller);
      expect(list.reduce((sum, e) => sum + Math.round(e.amount * 100), 0)).toBe(0);
      expect(list.reduce((sum, e) => sum + Math.round(e.platformFee * 100), 0)).toBe(0);
      expect(await totals(s.seller)).toEqual(ZERO);
    } finally {
      await setPlatformFee(t, admin, 12.5);
    }
  });

  it('pages the entries newest first', async () => {
    const s = await aSeller();
    for (let i = 0; i < 3; i++) await pay(await anOrder(s.itemId, 10), 10);
    const all = await entries(s.seller);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    const first = await t.http.get('/users/me/earnings/entries?limit=2').set(s.seller.auth);
    expect(first.status).toBe(200);
    expect(first.body.map((e: LedgerEntry) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    const cursor = first.headers['x-next-cursor'];
    expect(cursor).toEqual(expect.any(String));
    const next = await t.http
      .get(`/users/me/earnings/entries?limit=2&cursor=${encodeURIComponent(cursor)}`)
      .set(s.seller.auth)
      .expect(200);
    expect(next.body.map((e: LedgerEntry) => e.id)).toEqual([all[2].id]);
    expect(next.headers['x-next-cursor']).toBeUndefined();
  });

  it('401 without a token, 400 for a bad page query', async () => {
    for (const path of ['/users/me/earnings', '/users/me/earnings/entries']) {
      const res = await t.http.get(path).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'TOKEN_MISSING' });
    }
    const bad = await t.http.get('/users/me/earnings/entries?limit=0').set(seller.auth).expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  describe('held by the database', () => {
    it('refuses to change or delete an entry', async () => {
      const s = await aSeller();
      await pay(await anOrder(s.itemId, 10), 10);
      const [entry] = await entries(s.seller);
      await expect(
        t.sql.query('UPDATE ledger_entries SET amount_cents = 1 WHERE id = $1', [entry.id]),
      ).rejects.toThrow(/cannot change its money/);
      await expect(
        t.sql.query('DELETE FROM ledger_entries WHERE id = $1', [entry.id]),
      ).rejects.toThrow(/cannot be deleted/);
    });

    it('refuses a commit whose entries do not add up to the payment', async () => {
      const s = await aSeller();
      const orderId = await anOrder(s.itemId, 10);
      await pay(orderId, 10);
      const client = await t.sql.connect();
      try {
        await client.query('BEGIN');
        // Money to the seller that no one paid.
        await client.query(
          `INSERT INTO ledger_entries (seller_id, order_id, type, amount_cents, currency, state)
           VALUES ($1, $2, 'EARNING', 100, 'EUR', 'PENDING')`,
          [s.seller.id, orderId],
        );
        await expect(client.query('COMMIT')).rejects.toThrow(/does not add up/);
      } finally {
        client.release();
      }
      expect(await entries(s.seller)).toHaveLength(1);
    });
  });
});
