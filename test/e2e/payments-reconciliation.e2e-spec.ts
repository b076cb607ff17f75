import { randomBytes } from 'node:crypto';
import { aCast, countRows, type TestUser } from '../support/factories';
import { collectAll } from '../support/pages';
import { lockWaiters } from '../support/races';
import {
  aChargeRefundedEvent,
  aPaymentIntentEvent,
  aWebhookSecret,
  nowSeconds,
  signStripe,
  type ChargeFields,
} from '../support/stripe';
import { startTestApp, type TestApp } from '../support/test-app';

type Payment = {
  id: number;
  orderId: number;
  stripeTxId: string;
  totalAmount: number;
  currency: string;
  status: 'SUCCEEDED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
  refundedAmount: number;
  needsReview: boolean;
  reviewReason: string | null;
};

const SECRET = aWebhookSecret();
const WEBHOOK = '/payments/webhooks/stripe';
const hex = () => randomBytes(8).toString('hex');

/** How a payment reaches ECHO: recorded by an admin, or by Stripe's payment_intent.succeeded. */
type Via = 'POST /payments' | 'payment_intent.succeeded';
const VIAS: Via[] = ['POST /payments', 'payment_intent.succeeded'];

describe('payments: reconciled against their orders and Stripe', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;
  let itemId: number;

  beforeAll(async () => {
    t = await startTestApp({ STRIPE_WEBHOOK_SECRET: SECRET });
    ({ buyer, seller, stranger, admin, itemId } = await aCast(t));
  });
  afterAll(() => t.close());

  const newOrder = async (finalPrice = 100): Promise<number> =>
    (await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice }).expect(201)).body.id;
  const cancel = (orderId: number) =>
    t.http.patch(`/orders/${orderId}/status?status=CANCELLED`).set(buyer.auth).expect(200);
  const deliver = (payload: string, signature = signStripe(payload, SECRET)) =>
    t.http
      .post(WEBHOOK)
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signature)
      .send(payload);
  const paymentOf = async (orderId: number): Promise<Payment> =>
    (await t.http.get(`/payments/order/${orderId}`).set(admin.auth).expect(200)).body;
  const byHand = async (orderId: number, totalAmount: number, extra: object = {}) =>
    (
      await t.http
        .post('/payments')
        .set(admin.auth)
        .send({ orderId, stripeTxId: `pi_${hex()}`, totalAmount, ...extra })
        .expect(201)
    ).body as Payment;
  /** Records a payment of `amount` (decimal) in `currency` on the order, the way `via` says. */
  const pay = async (via: Via, orderId: number, amount: number, currency = 'EUR') => {
    if (via === 'POST /payments') return byHand(orderId, amount, { currency });
    const e = aPaymentIntentEvent('payment_intent.succeeded', {
      orderId,
      amount: Math.round(amount * 100),
      currency: currency.toLowerCase(),
    });
    const res = await deliver(e.payload).expect(200);
    const payment = await paymentOf(orderId);
    const suffix = payment.needsReview ? ', needs review' : '';
    expect(res.body).toEqual({
      received: true,
      outcome: `recorded payment ${payment.id}${suffix}`,
    });
    return payment;
  };
  const queue = async (needsReview: boolean) =>
    (await collectAll<Payment>(t, `/payments?needsReview=${needsReview}&limit=2`, admin.auth)).rows;

  describe('a payment that does not match its order is recorded for review', () => {
    const CASES: [string, { price?: number; cancelled?: boolean }, [number, string?], string][] = [
      ['overpaid', {}, [150], 'Paid 150.00 EUR, but the order is for 100.00 EUR.'],
      ['underpaid', {}, [99.99], 'Paid 99.99 EUR, but the order is for 100.00 EUR.'],
      [
        'in another currency',
        {},
        [100, 'USD'],
        'Paid 100.00 USD, but the order is for 100.00 EUR.',
      ],
      [
        'for a CANCELLED order',
        { cancelled: true },
        [100],
        'Order # was already CANCELLED when this payment arrived.',
      ],
      [
        'overpaid in another currency for a CANCELLED order',
        { price: 20.5, cancelled: true },
        [21, 'GBP'],
        'Paid 21.00 GBP, but the order is for 20.50 EUR. Order # was already CANCELLED when this payment arrived.',
      ],
    ];

    describe.each(VIAS)('through %s', (via) => {
      it.each(CASES)(
        '%s: needsReview with its reason, in the queue',
        async (_n, order, paid, why) => {
          const orderId = await newOrder(order.price);
          if (order.cancelled) await cancel(orderId);
          const before = await countRows(t, 'payments');
          const payment = await pay(via, orderId, ...paid);
          // Money moved, so it is recorded all the same.
          expect(await countRows(t, 'payments')).toBe(before + 1);
          expect(payment).toMatchObject({
            orderId,
            totalAmount: paid[0],
            currency: paid[1] ?? 'EUR',
            status: 'SUCCEEDED',
            needsReview: true,
            reviewReason: why.replace('#', String(orderId)),
          });
          expect(await queue(true)).toContainEqual(payment);
          expect((await queue(false)).map((p) => p.id)).not.toContain(payment.id);
          const { rows } = await t.sql.query(
            'SELECT needs_review, review_reason FROM payments WHERE id = $1',
            [payment.id],
          );
          expect(rows).toEqual([{ needs_review: true, review_reason: payment.reviewReason }]);
        },
      );

      it('a payment that matches its order: needsReview false, not in the queue', async () => {
        const orderId = await newOrder(64.2);
        const payment = await pay(via, orderId, 64.2);
        expect(payment).toMatchObject({
          totalAmount: 64.2,
          needsReview: false,
          reviewReason: null,
        });
        expect((await queue(true)).map((p) => p.id)).not.toContain(payment.id);
        expect(await queue(false)).toContainEqual(payment);
      });
    });

    it.each(['COMMIT', 'ROLLBACK'])(
      'checks the order as it is once a concurrent cancellation ends (%s)',
      async (end) => {
        const orderId = await newOrder();
        // The cancellation holds the order's row while the payment arrives.
        const other = await t.sql.connect();
        let pending: Promise<{ status: number; body: Payment }>;
        try {
          await other.query('BEGIN');
          await other.query(`UPDATE orders SET status = 'CANCELLED' WHERE id = $1`, [orderId]);
          pending = Promise.resolve(
            t.http
              .post('/payments')
              .set(admin.auth)
              .send({ orderId, stripeTxId: `pi_${hex()}`, totalAmount: 100 }),
          );
          await lockWaiters(t, other, 1);
        } finally {
          await other.query(end);
          other.release();
        }
        const res = await pending;
        expect(res.status).toBe(201);
        expect(res.body.needsReview).toBe(end === 'COMMIT');
        expect(await paymentOf(orderId)).toEqual(res.body);
      },
    );
  });

  describe('GET /payments?needsReview= (ADMIN)', () => {
    it('true lists the review queue, false the others, absent all; each newest first', async () => {
      await byHand(await newOrder(), 1);
      await byHand(await newOrder(), 100);
      await byHand(await newOrder(), 2);
      const review = await queue(true);
      const others = await queue(false);
      const all = (await collectAll<Payment>(t, '/payments?limit=3', admin.auth)).rows;
      expect(review.length).toBeGreaterThanOrEqual(2);
      expect(others.length).toBeGreaterThanOrEqual(1);
      expect(review.every((p) => p.needsReview && p.reviewReason)).toBe(true);
      expect(others.every((p) => !p.needsReview && p.reviewReason === null)).toBe(true);
      for (const list of [review, others, all]) {
        const ids = list.map((p) => p.id);
        expect(ids).toEqual([...ids].sort((a, b) => b - a));
      }
      expect([...review, ...others].map((p) => p.id).sort()).toEqual(all.map((p) => p.id).sort());
      expect(all).toHaveLength(await countRows(t, 'payments'));
    });

    it.each(['yes', '1', 'TRUE', '', 'true,false'])('400 for needsReview=%p', async (value) => {
      const res = await t.http
        .get(`/payments?needsReview=${encodeURIComponent(value)}`)
        .set(admin.auth)
        .expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(/needsReview must be true or false/);
    });

    it('403 for the parties and a stranger, 401 anonymous', async () => {
      for (const who of [buyer, seller, stranger]) {
        await t.http.get('/payments?needsReview=true').set(who.auth).expect(403);
      }
      await t.http.get('/payments?needsReview=true').expect(401);
    });
  });

  describe('charge.refunded', () => {
    /** A payment of 100 EUR recorded from Stripe, with its payment intent as stripeTxId. */
    const aStripePayment = async () => {
      const orderId = await newOrder();
      const e = aPaymentIntentEvent('payment_intent.succeeded', { orderId, amount: 10000 });
      await deliver(e.payload).expect(200);
      return { orderId, intentId: e.intentId };
    };
    const refunded = (charge: ChargeFields) => {
      const e = aChargeRefundedEvent(charge);
      return { e, res: deliver(e.payload) };
    };
    const refundedBy = async (charge: ChargeFields, outcome = /^recorded refund on payment/) => {
      const { res } = refunded(charge);
      expect((await res.expect(200)).body.outcome).toMatch(outcome);
    };
    const sources = async (orderId: number) =>
      (
        await t.sql.query(
          `SELECT dispute_refunded_cents AS dispute, stripe_refunded_cents AS stripe
           FROM payments WHERE order_id = $1`,
          [orderId],
        )
      ).rows[0];
    /** Opens a dispute on the order and resolves it with a refund, expecting `status`. */
    const resolveWithRefund = async (orderId: number, refundAmount: number, status: number) => {
      const d = await t.http
        .post('/disputes')
        .set(buyer.auth)
        .send({ orderId, reason: 'Files missing' })
        .expect(201);
      return t.http
        .patch(`/disputes/${d.body.id}/resolve`)
        .set(admin.auth)
        .send({ resolution: 'Refund agreed.', refundAmount })
        .expect(status);
    };

    it("matches the payment by payment_intent and takes Stripe's total as it is", async () => {
      const { orderId, intentId } = await aStripePayment();
      const before = await paymentOf(orderId);
      const { e, res } = refunded({ paymentIntent: intentId, amountRefunded: 3000 });
      expect((await res.expect(200)).body).toEqual({
        received: true,
        outcome: `recorded refund on payment ${before.id}`,
      });
      expect(await paymentOf(orderId)).toEqual({
        ...before,
        refundedAmount: 30,
        status: 'PARTIALLY_REFUNDED',
      });
      // A second refund: Stripe's total is 50, not 30 + 50.
      await refundedBy({ id: e.chargeId, paymentIntent: intentId, amountRefunded: 5000 });
      expect(await paymentOf(orderId)).toMatchObject({ refundedAmount: 50 });
      // An older event delivered late lowers nothing.
      await refundedBy({ id: e.chargeId, paymentIntent: intentId, amountRefunded: 3000 });
      expect(await paymentOf(orderId)).toMatchObject({ refundedAmount: 50 });
      await refundedBy({ id: e.chargeId, paymentIntent: intentId, amountRefunded: 10000 });
      expect(await paymentOf(orderId)).toEqual({
        ...before,
        refundedAmount: 100,
        status: 'REFUNDED',
      });
    });

    it.each<[string, (orderId: number) => Omit<ChargeFields, 'amountRefunded'>]>([
      ['a charge without a payment intent', (orderId) => ({ paymentIntent: null, orderId })],
      ['a charge whose payment intent is not recorded', (orderId) => ({ orderId })],
    ])('matches by metadata.orderId: %s', async (_name, charge) => {
      const orderId = await newOrder();
      // Recorded by hand with a reference that is not a payment intent.
      const stripeTxId = `manual-${hex()}`;
      await t.http
        .post('/payments')
        .set(admin.auth)
        .send({ orderId, stripeTxId, totalAmount: 100 })
        .expect(201);
      await refundedBy({ ...charge(orderId), amountRefunded: 2500 });
      expect(await paymentOf(orderId)).toMatchObject({
        stripeTxId,
        refundedAmount: 25,
        status: 'PARTIALLY_REFUNDED',
        needsReview: false,
      });
    });

    it("matches a hand-recorded payment whose stripeTxId is the charge's id", async () => {
      const orderId = await newOrder();
      const chargeId = `ch_${hex()}`;
      await t.http
        .post('/payments')
        .set(admin.auth)
        .send({ orderId, stripeTxId: chargeId, totalAmount: 100 })
        .expect(201);
      await refundedBy({ id: chargeId, paymentIntent: null, amountRefunded: 100 });
      expect(await paymentOf(orderId)).toMatchObject({ refundedAmount: 1 });
    });

    it.each<[string, () => Promise<Omit<ChargeFields, 'amountRefunded'>>]>([
      ['an unknown payment intent and no orderId', () => Promise.resolve({})],
      ['an unknown order', () => Promise.resolve({ orderId: 2_147_483_647 })],
      ['an order without a payment', async () => ({ orderId: await newOrder() })],
      [
        "another payment intent than the order's payment",
        async () => ({ orderId: (await aStripePayment()).orderId, paymentIntent: `pi_${hex()}` }),
      ],
    ])('acknowledges a charge of %s with 200, changing no payment', async (_name, charge) => {
      const fields = { ...(await charge()), amountRefunded: 1000 };
      const payments = (await t.sql.query('SELECT * FROM payments ORDER BY id')).rows;
      const events = await countRows(t, 'stripe_events');
      const { e, res } = refunded(fields);
      expect((await res.expect(200)).body).toEqual({
        received: true,
        outcome: 'ignored: no payment matches the charge',
      });
      expect((await t.sql.query('SELECT * FROM payments ORDER BY id')).rows).toEqual(payments);
      expect(await countRows(t, 'stripe_events')).toBe(events + 1);
      // Kept as handled: a retry of the same event changes nothing either.
      expect((await deliver(e.payload).expect(200)).body.outcome).toMatch(/duplicate/);
    });

    it('changes nothing when the same event is delivered again', async () => {
      const { orderId, intentId } = await aStripePayment();
      const { e, res } = refunded({ paymentIntent: intentId, amountRefunded: 4000 });
      await res.expect(200);
      const after = await paymentOf(orderId);
      // A dispute refund in between: a replay must not undo or repeat anything.
      await resolveWithRefund(orderId, 10, 200);
      const now = await paymentOf(orderId);
      const events = await countRows(t, 'stripe_events');
      for (let i = 0; i < 3; i++) {
        const again = await deliver(e.payload, signStripe(e.payload, SECRET)).expect(200);
        expect(again.body).toEqual({ received: true, outcome: 'duplicate event: nothing changed' });
      }
      expect(await countRows(t, 'stripe_events')).toBe(events);
      expect(after).toMatchObject({ refundedAmount: 40 });
      expect(await paymentOf(orderId)).toEqual(now);
      expect(await sources(orderId)).toEqual({ dispute: 1000, stripe: 4000 });
    });

    it('takes a dispute refund and the Stripe refund that pays it out as the same money', async () => {
      const { orderId, intentId } = await aStripePayment();
      await resolveWithRefund(orderId, 40, 200);
      expect(await paymentOf(orderId)).toMatchObject({ refundedAmount: 40 });
      // The admin refunds those 40 in Stripe: Stripe reports 40 in all, not 40 more.
      await refundedBy({ paymentIntent: intentId, amountRefunded: 4000 });
      expect(await paymentOf(orderId)).toMatchObject({ refundedAmount: 40 });
      // Stripe refunds more than was decided: Stripe's figure is what left the account.
      await refundedBy({ paymentIntent: intentId, amountRefunded: 6000 });
      expect(await paymentOf(orderId)).toMatchObject({ refundedAmount: 60 });
      // A further decision of 30 makes 70 decided, more than Stripe's 60.
      await resolveWithRefund(orderId, 30, 200);
      expect(await paymentOf(orderId)).toMatchObject({
        refundedAmount: 70,
        status: 'PARTIALLY_REFUNDED',
      });
      expect(await sources(orderId)).toEqual({ dispute: 7000, stripe: 6000 });
    });

    it('the other way round: a Stripe refund, then the dispute that decides it', async () => {
      const { orderId, intentId } = await aStripePayment();
      await refundedBy({ paymentIntent: intentId, amountRefunded: 4000 });
      await resolveWithRefund(orderId, 40, 200);
      expect(await paymentOf(orderId)).toMatchObject({ refundedAmount: 40 });
      // Stripe has refunded 60 in all; a decision of 50 more (90 decided) includes those 60,
      // so it fits although 60 + 50 would not.
      await refundedBy({ paymentIntent: intentId, amountRefunded: 6000 });
      await resolveWithRefund(orderId, 50, 200);
      expect(await paymentOf(orderId)).toMatchObject({ refundedAmount: 90 });
      expect(await sources(orderId)).toEqual({ dispute: 9000, stripe: 6000 });
      // Decisions still never add up to more than the payment.
      const over = await resolveWithRefund(orderId, 10.01, 400);
      expect(over.body.message).toMatch(/more than what is left to refund.*\(10\)/);
      expect(await paymentOf(orderId)).toMatchObject({ refundedAmount: 90 });
    });

    it('a dispute refund and a Stripe refund at the same time: both are kept', async () => {
      const { orderId, intentId } = await aStripePayment();
      const d = await t.http
        .post('/disputes')
        .set(buyer.auth)
        .send({ orderId, reason: 'Late' })
        .expect(201);
      const gate = await t.sql.connect();
      let both: Promise<{ status: number }[]>;
      try {
        await gate.query('BEGIN');
        await gate.query('SELECT 1 FROM payments WHERE order_id = $1 FOR UPDATE', [orderId]);
        both = Promise.all([
          Promise.resolve(
            t.http
              .patch(`/disputes/${d.body.id}/resolve`)
              .set(admin.auth)
              .send({ resolution: 'Refund agreed.', refundAmount: 30 }),
          ),
          Promise.resolve(refunded({ paymentIntent: intentId, amountRefunded: 5000 }).res),
        ]);
        await lockWaiters(t, gate, 2);
      } finally {
        await gate.query('ROLLBACK');
        gate.release();
      }
      expect((await both).map((r) => r.status)).toEqual([200, 200]);
      expect(await sources(orderId)).toEqual({ dispute: 3000, stripe: 5000 });
      expect(await paymentOf(orderId)).toMatchObject({ refundedAmount: 50 });
    });

    it('caps a refunded total above the payment at the payment, for review', async () => {
      const orderId = await newOrder();
      // Recorded by hand for less than the order, so already for review.
      const p = await byHand(orderId, 90, { stripeTxId: `ch_${hex()}` });
      expect(p.reviewReason).toBe('Paid 90.00 EUR, but the order is for 100.00 EUR.');
      const res = await refunded({ id: p.stripeTxId, amountRefunded: 10000 }).res.expect(200);
      expect(res.body.outcome).toBe(`recorded refund on payment ${p.id}, needs review`);
      expect(await paymentOf(orderId)).toEqual({
        ...p,
        refundedAmount: 90,
        status: 'REFUNDED',
        needsReview: true,
        reviewReason:
          'Paid 90.00 EUR, but the order is for 100.00 EUR. Stripe reports 100.00 EUR ' +
          'refunded, more than the 90.00 EUR of this payment; the refunded amount was set to ' +
          'the whole payment.',
      });
    });

    it('leaves the amount alone for a refund in another currency, for review', async () => {
      const { orderId, intentId } = await aStripePayment();
      const before = await paymentOf(orderId);
      expect(before.needsReview).toBe(false);
      await refundedBy(
        { paymentIntent: intentId, amountRefunded: 2000, currency: 'usd' },
        /, needs review$/,
      );
      expect(await paymentOf(orderId)).toEqual({
        ...before,
        needsReview: true,
        reviewReason:
          'Stripe reports 20.00 USD refunded, but this payment is in EUR; the refunded amount ' +
          'was left as it was.',
      });
      expect((await queue(true)).map((p) => p.id)).toContain(before.id);
    });

    it.each<[string, Partial<ChargeFields>, RegExp]>([
      ['no amount_refunded', { amountRefunded: undefined }, /amount_refunded/],
      ['a negative amount_refunded', { amountRefunded: -1 }, /amount_refunded/],
      ['a fractional amount_refunded', { amountRefunded: 10.5 }, /amount_refunded/],
      ['no currency', { currency: '' }, /currency/],
    ])('acknowledges a charge with %s, changing nothing', async (_name, fields, why) => {
      const { orderId, intentId } = await aStripePayment();
      const before = await paymentOf(orderId);
      const e = aChargeRefundedEvent({ paymentIntent: intentId, amountRefunded: 1000, ...fields });
      const res = await deliver(e.payload).expect(200);
      expect(res.body.outcome).toMatch(/^ignored: /);
      expect(res.body.outcome).toMatch(why);
      expect(await paymentOf(orderId)).toEqual(before);
    });

    it.each<[string, (payload: string) => string]>([
      ['signed with another secret', (payload) => signStripe(payload, aWebhookSecret())],
      ['signed 301 s ago', (payload) => signStripe(payload, SECRET, nowSeconds() - 301)],
      ['with a garbage signature', () => 'garbage'],
    ])('400 for a charge.refunded %s, storing nothing', async (_name, signature) => {
      const { orderId, intentId } = await aStripePayment();
      const before = await paymentOf(orderId);
      const events = await countRows(t, 'stripe_events');
      const e = aChargeRefundedEvent({ paymentIntent: intentId, amountRefunded: 10000 });
      const res = await deliver(e.payload, signature(e.payload)).expect(400);
      expect(res.body.message).toMatch(/Stripe-Signature/);
      expect(await countRows(t, 'stripe_events')).toBe(events);
      expect(await paymentOf(orderId)).toEqual(before);
      // A changed body under the original signature is refused the same way.
      const tampered = e.payload.replace('"amount_refunded": 10000', '"amount_refunded": 1');
      expect(tampered).not.toBe(e.payload);
      await deliver(tampered, signStripe(e.payload, SECRET)).expect(400);
      expect(await paymentOf(orderId)).toEqual(before);
    });
  });
});
