import { randomBytes } from 'node:crypto';
import { aCast, countRows, type TestUser } from '../support/factories';
import { collectAll } from '../support/pages';
import { lockWaiters } from '../support/races';
import { aPaymentIntentEvent, aWebhookSecret, signStripe } from '../support/stripe';
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

describe('payments: reconciled against their orders', () => {
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
          await lockWaiters(t, 1);
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
});
