import { randomBytes } from 'node:crypto';
import {
  aDispute,
  resolveDispute,
  setMarketplaceSettings,
  setPlatformFee,
  until,
  type LedgerEntry,
  type Payout,
} from '../support/earnings';
import { aCast, aUser, anItem, type TestUser } from '../support/factories';
import { startStripeStandIn, type StripeStandIn } from '../support/stripe-stand-in';
import { startTestApp, type TestApp } from '../support/test-app';

const hex = () => randomBytes(8).toString('hex');

/**
 * With STRIPE_SECRET_KEY set, payouts and decided refunds are made at Stripe by durable jobs.
 * Stripe is the local stand-in of test/support/stripe-stand-in.ts (STRIPE_API_URL).
 */
describe('payouts and refunds executed at Stripe (the stand-in)', () => {
  let t: TestApp;
  let stripe: StripeStandIn;
  let buyer: TestUser, admin: TestUser;

  beforeAll(async () => {
    const key = `sk_test_${hex()}`;
    stripe = await startStripeStandIn(key);
    t = await startTestApp({
      STRIPE_SECRET_KEY: key,
      STRIPE_API_URL: stripe.url,
      JOBS_POLL_SECONDS: '0.5',
    });
    ({ buyer, admin } = await aCast(t));
    await setPlatformFee(t, admin, 12.5);
    await setMarketplaceSettings(t, admin, { clearancePeriod: 'PT1S' });
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
  });

  const aSeller = async () => {
    const s = await aUser(t, 'seller');
    return { ...s, itemId: (await anItem(t, s)).id };
  };
  const anOrder = async (itemId: number, finalPrice: number): Promise<number> =>
    (await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice }).expect(201)).body.id;
  const pay = (orderId: number, totalAmount: number, stripeTxId = `pi_${hex()}`) =>
    t.http.post('/payments').set(admin.auth).send({ orderId, stripeTxId, totalAmount }).expect(201);
  const entries = async (who: TestUser): Promise<LedgerEntry[]> =>
    (await t.http.get('/users/me/earnings/entries?limit=100').set(who.auth).expect(200)).body;
  const entryOf = async (who: TestUser, orderId: number, type = 'EARNING') =>
    (await entries(who)).find((e) => e.orderId === orderId && e.type === type);
  const aClearedOrder = async (s: TestUser & { itemId: number }, price: number) => {
    const orderId = await anOrder(s.itemId, price);
    await pay(orderId, price);
    for (const status of ['IN_PROGRESS', 'COMPLETED']) {
      await t.http.patch(`/orders/${orderId}/status?status=${status}`).set(s.auth).expect(200);
    }
    await until(
      async () => (await entryOf(s, orderId))?.state === 'AVAILABLE',
      `the clearance of order ${orderId}`,
    );
    return orderId;
  };
  const setAccount = (sellerId: number, stripeAccountId: string | null) =>
    t.http
      .put(`/payouts/accounts/${sellerId}`)
      .set(admin.auth)
      .send({ stripeAccountId })
      .expect(200);
  const payOut = async (sellerId: number): Promise<Payout> =>
    (await t.http.post('/payouts').set(admin.auth).send({ sellerId }).expect(201)).body;
  const payoutNow = async (who: TestUser, id: number): Promise<Payout> => {
    const mine = (await t.http.get('/users/me/payouts').set(who.auth).expect(200)).body as Payout[];
    return mine.find((p) => p.id === id)!;
  };
  /** The payout once its job has run (it is no longer PENDING). */
  const settled = async (who: TestUser, id: number, ms = 15_000): Promise<Payout> => {
    await until(
      async () => (await payoutNow(who, id)).execution !== 'PENDING',
      `payout ${id}'s transfer`,
      ms,
    );
    const payout = await payoutNow(who, id);
    // The admin's list shows the same.
    const all = await t.http.get(`/payouts?sellerId=${who.id}`).set(admin.auth).expect(200);
    expect(all.body).toContainEqual(payout);
    return payout;
  };
  const requestsWith = (key: string) => stripe.requests.filter((r) => r.key === key);

  it('transfers a payout to the seller’s account: PENDING, then SUCCEEDED with tr_...', async () => {
    const s = await aSeller();
    const account = `acct_${hex()}`;
    await setAccount(s.id, account);
    await aClearedOrder(s, 100);
    const transfers = stripe.created.transfers;

    const created = await payOut(s.id);
    expect(created).toEqual({
      id: expect.any(Number),
      sellerId: s.id,
      amount: 87.5,
      currency: 'EUR',
      entryCount: 1,
      execution: 'PENDING',
      externalRef: null,
      executionNote: null,
      createdAt: expect.any(String),
    });

    const done = await settled(s, created.id);
    expect(done).toEqual({
      ...created,
      execution: 'SUCCEEDED',
      externalRef: expect.stringMatching(/^tr_[0-9a-f]+$/),
    });
    const sent = requestsWith(`payout-${created.id}`);
    expect(sent).toEqual([
      {
        path: '/v1/transfers',
        key: `payout-${created.id}`,
        form: {
          amount: '8750',
          currency: 'eur',
          destination: account,
          transfer_group: `payout-${created.id}`,
          'metadata[payout]': `payout-${created.id}`,
        },
      },
    ]);
    expect(stripe.created.transfers).toBe(transfers + 1);
    // The payout's entries are PAID whatever Stripe does with the money.
    expect((await entries(s)).map((e) => [e.type, e.state, e.execution])).toEqual([
      ['PAYOUT', 'PAID', null],
      ['EARNING', 'PAID', null],
    ]);
    const { rows } = await t.sql.query(
      'SELECT external_ref AS ref, execution FROM payouts WHERE id = $1',
      [created.id],
    );
    expect(rows).toEqual([{ ref: done.externalRef, execution: 'SUCCEEDED' }]);
  });

  it("a destination Stripe refuses: FAILED, with Stripe's message, and not retried", async () => {
    const s = await aSeller();
    await setAccount(s.id, 'acct_missing');
    await aClearedOrder(s, 20);
    const transfers = stripe.created.transfers;

    const created = await payOut(s.id);
    expect(created).toMatchObject({ amount: 17.5, execution: 'PENDING', executionNote: null });
    const done = await settled(s, created.id);
    expect(done).toEqual({
      ...created,
      execution: 'FAILED',
      externalRef: null,
      executionNote: expect.any(String),
    });
    expect(done.executionNote).toContain("No such destination: 'acct_missing'");
    expect(requestsWith(`payout-${created.id}`)).toHaveLength(1);
    expect(stripe.created.transfers).toBe(transfers);
    // Its money is back in the seller's AVAILABLE balance, as a positive PAYOUT entry; the
    // entries it covered stay PAID to it, and nothing counts as paid out.
    const [back, own] = await entries(s);
    expect(back).toMatchObject({
      type: 'PAYOUT',
      amount: 17.5,
      state: 'AVAILABLE',
      payoutId: null,
    });
    expect(own).toMatchObject({ type: 'PAYOUT', amount: -17.5, payoutId: created.id });
    const totals = (await t.http.get('/users/me/earnings').set(s.auth).expect(200)).body;
    expect(totals).toMatchObject({ available: 17.5, paid: 0 });
    // Once the account is fixed, the next payout takes it.
    const account = `acct_${hex()}`;
    await setAccount(s.id, account);
    const retry = await payOut(s.id);
    expect(retry).toMatchObject({ amount: 17.5, entryCount: 1, execution: 'PENDING' });
    expect(await settled(s, retry.id)).toMatchObject({ execution: 'SUCCEEDED' });
    expect((await t.http.get('/users/me/earnings').set(s.auth).expect(200)).body).toMatchObject({
      available: 0,
      paid: 17.5,
    });
  });

  it('Stripe down (a 500): the job is retried with the same key, one transfer made', async () => {
    const s = await aSeller();
    const account = `acct_${hex()}`;
    await setAccount(s.id, account);
    await aClearedOrder(s, 40);
    const transfers = stripe.created.transfers;

    stripe.failNext(1);
    const created = await payOut(s.id);
    expect(created).toMatchObject({ amount: 35, execution: 'PENDING' });
    // The queue retries after retryDelaySeconds (2 s), with backoff and jitter.
    const done = await settled(s, created.id, 40_000);
    expect(done).toMatchObject({
      execution: 'SUCCEEDED',
      externalRef: expect.stringMatching(/^tr_/),
      executionNote: null,
    });
    const sent = requestsWith(`payout-${created.id}`);
    expect(sent).toHaveLength(2);
    for (const r of sent) {
      expect(r).toMatchObject({
        path: '/v1/transfers',
        form: { amount: '3500', destination: account, currency: 'eur' },
      });
    }
    expect(stripe.created.transfers).toBe(transfers + 1);
  }, 60_000);

  it('a key but no account for the seller: MANUAL, naming PUT /payouts/accounts', async () => {
    const s = await aSeller();
    await aClearedOrder(s, 10);
    const created = await payOut(s.id);
    expect(created).toMatchObject({ amount: 8.75, execution: 'MANUAL', externalRef: null });
    expect(created.executionNote).toContain(`PUT /payouts/accounts/${s.id}`);
    expect(await payoutNow(s, created.id)).toEqual(created);
    expect(requestsWith(`payout-${created.id}`)).toEqual([]);

    // An account removed again before the next payout: MANUAL again.
    await setAccount(s.id, `acct_${hex()}`);
    await setAccount(s.id, null);
    await aClearedOrder(s, 10);
    expect((await payOut(s.id)).execution).toBe('MANUAL');
  });

  it('a refund decided by dispute resolution is made at Stripe: PENDING, then SUCCEEDED with re_...', async () => {
    const s = await aSeller();
    const stripeTxId = `pi_${hex()}`;
    const orderId = await anOrder(s.itemId, 100);
    await pay(orderId, 100, stripeTxId);
    const refunds = stripe.created.refunds;
    const disputeId = await aDispute(t, buyer, orderId, 'Nothing was delivered.');

    // Stripe's first answer is a 500, so the entry is PENDING until the job's retry (2 s on).
    stripe.failNext(1);
    await resolveDispute(t, admin, disputeId, 40, 'Refunded 40.');
    const pending = await entryOf(s, orderId, 'REFUND');
    expect(pending).toMatchObject({
      type: 'REFUND',
      amount: -35,
      platformFee: -5,
      execution: 'PENDING',
      externalRef: null,
    });

    await until(
      async () => (await entryOf(s, orderId, 'REFUND'))?.execution !== 'PENDING',
      'the refund at Stripe',
      40_000,
    );
    const done = await entryOf(s, orderId, 'REFUND');
    expect(done).toEqual({
      ...pending,
      execution: 'SUCCEEDED',
      externalRef: expect.stringMatching(/^re_[0-9a-f]+$/),
    });
    // What went to Stripe: the whole 40.00 back to the buyer, on the payment's intent.
    const key = `ledger-entry-${pending!.id}`;
    const sent = requestsWith(key);
    expect(sent).toHaveLength(2);
    for (const r of sent) {
      expect(r).toEqual({
        path: '/v1/refunds',
        key,
        form: { payment_intent: stripeTxId, amount: '4000', 'metadata[ledgerEntry]': key },
      });
    }
    expect(stripe.created.refunds).toBe(refunds + 1);
    const { rows } = await t.sql.query(
      'SELECT external_ref AS ref, execution_error AS error FROM ledger_entries WHERE id = $1',
      [pending!.id],
    );
    expect(rows).toEqual([{ ref: done!.externalRef, error: null }]);
  }, 60_000);
});
