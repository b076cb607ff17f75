import { randomBytes } from 'node:crypto';
import { aUser, anAdmin, anItem, countRows, type TestUser } from '../support/factories';
import { raceBehindGate } from '../support/races';
import {
  aPaymentIntentEvent as anEvent,
  aWebhookSecret,
  nowSeconds as now,
  signStripe,
  type IntentFields,
} from '../support/stripe';
import { startTestApp, type TestApp } from '../support/test-app';

const SECRET = aWebhookSecret();
const WEBHOOK = '/payments/webhooks/stripe';
const hex = () => randomBytes(8).toString('hex');

const sign = (payload: string, secret = SECRET, timestamp = now()) =>
  signStripe(payload, secret, timestamp);

describe('payments: the Stripe webhook', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, admin: TestUser;
  let itemId: number;

  beforeAll(async () => {
    t = await startTestApp({ STRIPE_WEBHOOK_SECRET: SECRET, DB_POOL_SIZE: '30' });
    [buyer, seller, admin] = await Promise.all([aUser(t, 'buyer'), aUser(t, 'seller'), anAdmin(t)]);
    itemId = (await anItem(t, seller)).id;
    await t.http
      .put('/payments/settings')
      .set(admin.auth)
      .send({ platformFeePercent: 12.5 })
      .expect(200);
  });
  afterAll(() => t.close());

  const newOrder = async (finalPrice = 100): Promise<number> =>
    (await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice }).expect(201)).body.id;
  const deliver = (payload: string, signature: string | null = sign(payload), app = t) => {
    const req = app.http.post(WEBHOOK).set('Content-Type', 'application/json');
    if (signature !== null) void req.set('Stripe-Signature', signature);
    return req.send(payload);
  };
  const paymentOf = (orderId: number) => t.http.get(`/payments/order/${orderId}`).set(admin.auth);
  const counts = async () => ({
    events: await countRows(t, 'stripe_events'),
    payments: await countRows(t, 'payments'),
  });
  /** Runs `act` and checks that it stored no event and no payment. */
  const storesNothing = async <T>(act: () => Promise<T>): Promise<T> => {
    const before = await counts();
    const result = await act();
    expect(await counts()).toEqual(before);
    return result;
  };

  describe('payment_intent.succeeded', () => {
    it('records the payment from the exact signed bytes, amount in minor units', async () => {
      const orderId = await newOrder(101.01);
      const created = now() - 120;
      const e = anEvent('payment_intent.succeeded', { orderId, amount: 10101, created });
      const res = await deliver(e.payload).expect(200);
      const payment = (await paymentOf(orderId).expect(200)).body;
      expect(res.body).toEqual({ received: true, outcome: `recorded payment ${payment.id}` });
      expect(payment).toEqual({
        id: expect.any(Number),
        orderId,
        stripeTxId: e.intentId,
        totalAmount: 101.01,
        platformFee: 12.63,
        currency: 'EUR',
        status: 'SUCCEEDED',
        refundedAmount: 0,
        chargebackAmount: 0,
        paymentDate: new Date(created * 1000).toISOString(),
        needsReview: false,
        reviewReason: null,
      });
      // The buyer sees the same record.
      const mine = await t.http.get(`/payments/order/${orderId}`).set(buyer.auth).expect(200);
      expect(mine.body).toEqual(payment);
    });

    it.each([
      ['jpy', 500, 500, 62.5],
      ['jpy', 1_000_000, 1_000_000, 125_000],
      ['usd', 5, 0.05, 0.01],
    ])('counts %s %p as %p (fee %p)', async (currency, amount, total, fee) => {
      const orderId = await newOrder();
      await deliver(anEvent('payment_intent.succeeded', { orderId, amount, currency }).payload)
        .expect(200)
        .expect((r) => expect(r.body.outcome).toMatch(/^recorded payment \d+, needs review$/));
      // Orders are priced in EUR, so another currency is recorded for review.
      expect((await paymentOf(orderId).expect(200)).body).toMatchObject({
        totalAmount: total,
        platformFee: fee,
        currency: currency.toUpperCase(),
        needsReview: true,
        reviewReason: `Paid ${total.toFixed(2)} ${currency.toUpperCase()}, but the order is for 100.00 EUR.`,
      });
    });

    it('changes nothing when the same event is delivered again', async () => {
      const orderId = await newOrder();
      const e = anEvent('payment_intent.succeeded', { orderId });
      await deliver(e.payload).expect(200);
      const first = (await paymentOf(orderId).expect(200)).body;
      const before = await counts();
      for (let i = 0; i < 3; i++) {
        // Stripe signs each retry afresh; the event id is what makes it the same event.
        const again = await deliver(e.payload, sign(e.payload, SECRET, now() - i)).expect(200);
        expect(again.body).toEqual({ received: true, outcome: expect.stringMatching(/duplicate/) });
      }
      expect(await counts()).toEqual(before);
      expect((await paymentOf(orderId).expect(200)).body).toEqual(first);
    });

    it('records one payment when 6 deliveries of one event arrive at once', async () => {
      const orderId = await newOrder();
      const e = anEvent('payment_intent.succeeded', { orderId, amount: 4200 });
      const before = await counts();
      // An uncommitted row with the event's id holds every delivery on the primary key.
      const responses = await raceBehindGate(
        t,
        {
          sql: `INSERT INTO stripe_events (id, type, outcome) VALUES ($1, 'gate', 'gate')`,
          params: [e.id],
        },
        6,
        () => deliver(e.payload),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(6).fill(200));
      const outcomes = responses.map((r) => r.body.outcome as string).sort();
      expect(outcomes.filter((o) => o.startsWith('recorded payment'))).toHaveLength(1);
      expect(outcomes.filter((o) => /duplicate/.test(o))).toHaveLength(5);
      expect(await counts()).toEqual({
        events: before.events + 1,
        payments: before.payments + 1,
      });
      expect((await paymentOf(orderId).expect(200)).body.totalAmount).toBe(42);
    });

    it('acknowledges a second event for an order already paid, keeping the first', async () => {
      const orderId = await newOrder();
      await deliver(anEvent('payment_intent.succeeded', { orderId }).payload).expect(200);
      const first = (await paymentOf(orderId).expect(200)).body;
      const other = anEvent('payment_intent.succeeded', { orderId, amount: 999 });
      const res = await deliver(other.payload).expect(200);
      expect(res.body).toEqual({ received: true, outcome: expect.stringMatching(/^ignored/) });
      expect((await paymentOf(orderId).expect(200)).body).toEqual(first);
    });

    it.each<[string, (orderId: number) => IntentFields, RegExp]>([
      ['no metadata.orderId', () => ({}), /orderId/],
      ['an unknown order', () => ({ orderId: 2_147_483_647 }), /unknown order/],
      ['a malformed orderId', (orderId) => ({ orderId: `${orderId}abc` }), /orderId/],
      [
        'jpy 1000001, above the largest amount ECHO takes',
        (orderId) => ({ orderId, currency: 'jpy', amount: 1_000_001 }),
        /amount above 1000000/,
      ],
      [
        "jpy 99999999, Stripe's largest",
        (orderId) => ({ orderId, currency: 'jpy', amount: 99_999_999 }),
        /amount above/,
      ],
    ])('acknowledges %s and records no payment', async (_name, intent, why) => {
      const orderId = await newOrder();
      const before = await counts();
      const e = anEvent('payment_intent.succeeded', intent(orderId));
      const res = await deliver(e.payload).expect(200);
      expect(res.body).toEqual({ received: true, outcome: expect.stringMatching(/^ignored/) });
      expect(res.body.outcome).toMatch(why);
      expect(await counts()).toEqual({ ...before, events: before.events + 1 });
      await paymentOf(orderId).expect(404);
      // Kept as handled: a retry of the same event changes nothing either.
      const again = await deliver(e.payload).expect(200);
      expect(again.body.outcome).toMatch(/duplicate/);
    });
  });

  it.each(['charge.succeeded', 'customer.created', 'payment_intent.payment_failed'])(
    'acknowledges %s with 200 and ignores it',
    async (type) => {
      const orderId = await newOrder();
      const before = await countRows(t, 'payments');
      const res = await deliver(anEvent(type, { orderId }).payload).expect(200);
      expect(res.body).toEqual({ received: true, outcome: expect.stringMatching(/^ignored/) });
      expect(await countRows(t, 'payments')).toBe(before);
      await paymentOf(orderId).expect(404);
    },
  );

  describe('refused deliveries: 400, nothing stored', () => {
    let orderId: number;
    let e: ReturnType<typeof anEvent>;
    beforeEach(async () => {
      orderId = await newOrder();
      e = anEvent('payment_intent.succeeded', { orderId });
    });
    afterEach(async () => {
      await paymentOf(orderId).expect(404);
      const { rows } = await t.sql.query('SELECT 1 FROM stripe_events WHERE id = $1', [e.id]);
      expect(rows).toEqual([]);
    });

    it.each<[string, () => string | null]>([
      ['a missing Stripe-Signature', () => null],
      ['an empty Stripe-Signature', () => ''],
      ['a malformed Stripe-Signature', () => 'garbage'],
      ['a signature made with another secret', () => sign(e.payload, `whsec_${hex()}`)],
      ['a timestamp 301 s old', () => sign(e.payload, SECRET, now() - 301)],
      ['a timestamp an hour old', () => sign(e.payload, SECRET, now() - 3600)],
      ['a signature of another body', () => sign(anEvent('customer.created').payload)],
    ])('400 for %s', async (_name, signature) => {
      const res = await storesNothing(() => deliver(e.payload, signature()).expect(400));
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toMatch(/Stripe-Signature/);
    });

    it('400 for a body changed after signing, even by one amount', async () => {
      const signature = sign(e.payload);
      const tampered = e.payload.replace('"amount": 10101', '"amount": 1');
      expect(tampered).not.toBe(e.payload);
      await storesNothing(() => deliver(tampered, signature).expect(400));
      await storesNothing(() =>
        deliver(JSON.stringify(JSON.parse(e.payload)), signature).expect(400),
      );
    });
  });

  it('accepts an event refused once, when it comes signed properly within 300 s', async () => {
    const orderId = await newOrder();
    const e = anEvent('payment_intent.succeeded', { orderId });
    await deliver(e.payload, sign(e.payload, `whsec_${hex()}`)).expect(400);
    const res = await deliver(e.payload, sign(e.payload, SECRET, now() - 240)).expect(200);
    expect(res.body.outcome).toMatch(/^recorded payment/);
    await paymentOf(orderId).expect(200);
  });

  it('503 without STRIPE_WEBHOOK_SECRET, storing nothing', async () => {
    const bare = await startTestApp();
    try {
      const e = anEvent('payment_intent.succeeded', { orderId: 1 });
      const res = await deliver(e.payload, sign(e.payload), bare).expect(503);
      expect(res.body).toMatchObject({
        statusCode: 503,
        message: expect.stringMatching(/STRIPE_WEBHOOK_SECRET/),
      });
      const { rows } = await bare.sql.query(
        'SELECT (SELECT count(*) FROM stripe_events)::int AS e, (SELECT count(*) FROM payments)::int AS p',
      );
      expect(rows).toEqual([{ e: 0, p: 0 }]);
    } finally {
      await bare.close();
    }
  });
});
