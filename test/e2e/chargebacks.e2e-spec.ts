import { randomBytes } from 'node:crypto';
import { setPlatformFee, type Totals } from '../support/earnings';
import { aCast, aUser, anItem, type TestUser } from '../support/factories';
import {
  aChargeDisputeEvent,
  aWebhookSecret,
  signStripe,
  type DisputeFields,
} from '../support/stripe';
import { startTestApp, type TestApp } from '../support/test-app';

const SECRET = aWebhookSecret();
const hex = () => randomBytes(8).toString('hex');

/** Card chargebacks from Stripe: charge.dispute.created and charge.dispute.closed. */
describe('chargebacks', () => {
  let t: TestApp;
  let buyer: TestUser, stranger: TestUser, admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ STRIPE_WEBHOOK_SECRET: SECRET });
    ({ buyer, stranger, admin } = await aCast(t));
    await setPlatformFee(t, admin, 10);
  });
  afterAll(() => t.close());

  /** A seller of their own, with a paid order of 100.00 (90.00 theirs), COMPLETED or not. */
  const aPaidOrder = async (completed = true) => {
    const seller = await aUser(t, 'seller');
    const itemId = (await anItem(t, seller)).id;
    const orderId = (
      await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice: 100 }).expect(201)
    ).body.id as number;
    const intent = `pi_${hex()}`;
    await t.http
      .post('/payments')
      .set(admin.auth)
      .send({ orderId, stripeTxId: intent, totalAmount: 100 })
      .expect(201);
    if (completed) {
      for (const status of ['IN_PROGRESS', 'COMPLETED']) {
        await t.http
          .patch(`/orders/${orderId}/status?status=${status}`)
          .set(seller.auth)
          .expect(200);
      }
    }
    return { seller, orderId, intent };
  };
  const deliver = async (payload: string) =>
    (
      await t.http
        .post('/payments/webhooks/stripe')
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', signStripe(payload, SECRET))
        .send(payload)
        .expect(200)
    ).body as { received: boolean; outcome: string };
  const created = (f: DisputeFields, eventId?: string) =>
    aChargeDisputeEvent('charge.dispute.created', { status: 'needs_response', ...f }, eventId);
  const closed = (f: DisputeFields, eventId?: string) =>
    aChargeDisputeEvent('charge.dispute.closed', f, eventId);
  const totals = async (who: TestUser): Promise<Totals> =>
    (await t.http.get('/users/me/earnings').set(who.auth).expect(200)).body;
  const disputeOf = async (orderId: number) =>
    (await t.http.get(`/disputes/order/${orderId}`).set(admin.auth).expect(200)).body;
  const paymentOf = async (orderId: number) =>
    (await t.http.get(`/payments/order/${orderId}`).set(admin.auth).expect(200)).body;

  it('opens a CHARGEBACK dispute with its deadline and holds the earnings; a replay changes nothing', async () => {
    const { seller, orderId, intent } = await aPaidOrder();
    const dueBy = Math.floor(Date.now() / 1000) + 5 * 86400;
    const e = created({ paymentIntent: intent, amount: 10000, dueBy, reason: 'fraudulent' });
    const ack = await deliver(e.payload);
    const dispute = await disputeOf(orderId);
    expect(ack).toEqual({ received: true, outcome: `opened chargeback dispute ${dispute.id}` });
    expect(dispute).toEqual({
      id: expect.any(Number),
      orderId,
      kind: 'CHARGEBACK',
      createdByUserId: null,
      createdByUsername: null,
      reason: 'Chargeback at Stripe (fraudulent): 100.00 EUR disputed.',
      status: 'OPEN',
      resolution: null,
      createdAt: expect.any(String),
      closedAt: null,
      dueBy: new Date(dueBy * 1000).toISOString(),
      messages: [],
    });
    expect(await totals(seller)).toMatchObject({ held: 90, clearing: 0, available: 0 });

    // The same event again, and the same Stripe dispute under another event id.
    expect((await deliver(e.payload)).outcome).toBe('duplicate event: nothing changed');
    const again = created({ id: e.disputeId, paymentIntent: intent, amount: 10000 });
    expect((await deliver(again.payload)).outcome).toBe(
      'ignored: this chargeback is recorded already',
    );
    const { rows } = await t.sql.query(
      'SELECT count(*)::int AS n FROM disputes WHERE order_id = $1',
      [orderId],
    );
    expect(rows).toEqual([{ n: 1 }]);

    // The parties see it and can talk in its thread; an admin cannot resolve it by hand.
    await t.http.get(`/disputes/${dispute.id}`).set(seller.auth).expect(200);
    await t.http.get(`/disputes/${dispute.id}`).set(buyer.auth).expect(200);
    await t.http.get(`/disputes/${dispute.id}`).set(stranger.auth).expect(403);
    await t.http
      .post(`/disputes/${dispute.id}/messages`)
      .set(seller.auth)
      .send({ message: 'Here is the delivery receipt.' })
      .expect(201);
    const refused = await t.http
      .patch(`/disputes/${dispute.id}/resolve`)
      .set(admin.auth)
      .send({ resolution: 'No.' })
      .expect(409);
    expect(refused.body.code).toBe('DISPUTE_DECIDED_AT_STRIPE');
  });

  it('won: closes the dispute and releases the earnings as they were', async () => {
    const { seller, orderId, intent } = await aPaidOrder();
    const e = created({ paymentIntent: intent, amount: 10000 });
    await deliver(e.payload);
    const ack = await deliver(
      closed({ id: e.disputeId, paymentIntent: intent, amount: 10000, status: 'won' }).payload,
    );
    const dispute = await disputeOf(orderId);
    expect(ack.outcome).toBe(`closed chargeback dispute ${dispute.id}: won`);
    expect(dispute).toMatchObject({
      status: 'CLOSED',
      resolution: 'Won at Stripe: the charge stands.',
      closedAt: expect.any(String),
    });
    expect(await totals(seller)).toMatchObject({ held: 0, clearing: 90 });
    expect(await paymentOf(orderId)).toMatchObject({ chargebackAmount: 0, refundedAmount: 0 });
  });

  it("lost: takes the disputed amount back like a refund, ECHO's fee in proportion", async () => {
    const { seller, orderId, intent } = await aPaidOrder();
    const e = created({ paymentIntent: intent, amount: 4000 });
    await deliver(e.payload);
    const done = closed({ id: e.disputeId, paymentIntent: intent, amount: 4000, status: 'lost' });
    expect((await deliver(done.payload)).outcome).toMatch(/^closed chargeback dispute \d+: lost$/);
    expect((await disputeOf(orderId)).resolution).toBe(
      'Lost at Stripe: 40.00 EUR went back to the cardholder.',
    );
    // 40.00 taken back: 4.00 of ECHO's fee, 36.00 of the seller's 90.00.
    expect(await totals(seller)).toMatchObject({ held: 0, clearing: 54 });
    const entries = (await t.http.get('/users/me/earnings/entries').set(seller.auth).expect(200))
      .body;
    expect(entries[0]).toMatchObject({
      type: 'CHARGEBACK',
      amount: -36,
      platformFee: -4,
      execution: null,
    });
    expect(await paymentOf(orderId)).toMatchObject({ chargebackAmount: 40, refundedAmount: 0 });
    // A replay of the closing changes nothing.
    expect((await deliver(done.payload)).outcome).toBe('duplicate event: nothing changed');
    const again = closed({ id: e.disputeId, paymentIntent: intent, amount: 4000, status: 'lost' });
    expect((await deliver(again.payload)).outcome).toMatch(/is closed already$/);
    expect(await paymentOf(orderId)).toMatchObject({ chargebackAmount: 40 });
  });

  it('a closing that comes before its opening opens and closes the dispute at once', async () => {
    const { seller, orderId, intent } = await aPaidOrder(false);
    const done = closed({ paymentIntent: intent, amount: 10000, status: 'lost' });
    expect((await deliver(done.payload)).outcome).toMatch(/: lost$/);
    expect(await disputeOf(orderId)).toMatchObject({ kind: 'CHARGEBACK', status: 'CLOSED' });
    expect(await totals(seller)).toMatchObject({ pending: 0, held: 0 });
    expect(await paymentOf(orderId)).toMatchObject({ chargebackAmount: 100 });
    // The late opening finds it recorded.
    const late = created({ id: done.disputeId, paymentIntent: intent, amount: 10000 });
    expect((await deliver(late.payload)).outcome).toBe(
      'ignored: this chargeback is recorded already',
    );
  });

  it('an ORDER dispute and a chargeback may be open together; both hold', async () => {
    const { seller, orderId, intent } = await aPaidOrder();
    const orderDispute = (
      await t.http
        .post('/disputes')
        .set(buyer.auth)
        .send({ orderId, reason: 'Wrong files.' })
        .expect(201)
    ).body;
    expect(orderDispute.kind).toBe('ORDER');
    const e = created({ paymentIntent: intent, amount: 10000 });
    expect((await deliver(e.payload)).outcome).toMatch(/^opened chargeback dispute/);
    // The admin's resolution of the ORDER dispute leaves the chargeback's hold.
    await t.http
      .patch(`/disputes/${orderDispute.id}/resolve`)
      .set(admin.auth)
      .send({ resolution: 'Files resent.' })
      .expect(200);
    expect(await totals(seller)).toMatchObject({ held: 90 });
    await deliver(
      closed({ id: e.disputeId, paymentIntent: intent, amount: 10000, status: 'won' }).payload,
    );
    expect(await totals(seller)).toMatchObject({ held: 0, clearing: 90 });
  });

  it('acknowledges a dispute on an unknown charge, or closed with an open status, and stores nothing', async () => {
    const before = (await t.sql.query('SELECT count(*)::int AS n FROM disputes')).rows[0].n;
    const unknown = created({ paymentIntent: `pi_${hex()}`, amount: 100 });
    expect((await deliver(unknown.payload)).outcome).toBe(
      'ignored: no payment matches the disputed charge',
    );
    const { intent } = await aPaidOrder();
    const odd = closed({ paymentIntent: intent, amount: 100, status: 'under_review' });
    expect((await deliver(odd.payload)).outcome).toBe('ignored: a dispute closed as under_review');
    expect((await t.sql.query('SELECT count(*)::int AS n FROM disputes')).rows[0].n).toBe(before);
  });
});
