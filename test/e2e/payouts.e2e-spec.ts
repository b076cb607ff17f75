import { randomBytes, randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import {
  aDispute,
  resolveDispute,
  setMarketplaceSettings,
  setPlatformFee,
  until,
  ZERO,
  type LedgerEntry,
  type Payout,
  type Totals,
} from '../support/earnings';
import { aCast, aUser, anItem, type TestUser } from '../support/factories';
import { raceBehindGate } from '../support/races';
import { startTestApp, type TestApp } from '../support/test-app';

/** Jobs are looked for twice a second; the clearance period is one second here. */
const ENV = { JOBS_POLL_SECONDS: '0.5', DB_POOL_SIZE: '20' };
const MISSING_ID = 2_147_483_647;
const hex = () => randomBytes(8).toString('hex');

/** Sends each body and expects a 400 VALIDATION_FAILED for every one (named in a failure). */
const expectEachRefused = async (
  bodies: object[],
  send: (body: object) => PromiseLike<Response>,
) => {
  for (const body of bodies) {
    const res = await send(body);
    expect({ body, status: res.status, code: res.body.code }).toEqual({
      body,
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  }
};

/**
 * POST /payouts, GET /payouts, GET /users/me/payouts, PUT /payouts/{id}/execution,
 * PUT /payouts/accounts/{id}; no Stripe key.
 */
describe('payouts (no Stripe key: MANUAL)', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp(ENV);
    ({ buyer, seller, stranger, admin } = await aCast(t));
    await setPlatformFee(t, admin, 12.5);
    await setMarketplaceSettings(t, admin, { clearancePeriod: 'PT1S' });
  });
  afterAll(() => t.close());

  /** A fresh seller with a listing, so that each test reads totals of its own. */
  const aSeller = async () => {
    const s = await aUser(t, 'seller');
    return { ...s, itemId: (await anItem(t, s)).id };
  };
  const anOrder = async (itemId: number, finalPrice: number): Promise<number> =>
    (await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice }).expect(201)).body.id;
  const pay = (orderId: number, totalAmount: number) =>
    t.http
      .post('/payments')
      .set(admin.auth)
      .send({ orderId, stripeTxId: `pi_${hex()}`, totalAmount })
      .expect(201);
  const complete = async (orderId: number, who: TestUser) => {
    for (const status of ['IN_PROGRESS', 'COMPLETED']) {
      await t.http.patch(`/orders/${orderId}/status?status=${status}`).set(who.auth).expect(200);
    }
  };
  const totals = async (who: TestUser): Promise<Totals> =>
    (await t.http.get('/users/me/earnings').set(who.auth).expect(200)).body;
  const entries = async (who: TestUser): Promise<LedgerEntry[]> =>
    (await t.http.get('/users/me/earnings/entries?limit=100').set(who.auth).expect(200)).body;
  const payOut = (sellerId: number, who: TestUser = admin) =>
    t.http.post('/payouts').set(who.auth).send({ sellerId });
  const entryOf = async (who: TestUser, orderId: number, type = 'EARNING') =>
    (await entries(who)).find((e) => e.orderId === orderId && e.type === type);
  /** An order of `price` paid in full, COMPLETED, and cleared: its earning AVAILABLE. */
  const aClearedOrder = async (s: TestUser & { itemId: number }, price: number) => {
    const orderId = await anOrder(s.itemId, price);
    await pay(orderId, price);
    await complete(orderId, s);
    await until(
      async () => (await entryOf(s, orderId))?.state === 'AVAILABLE',
      `the clearance of order ${orderId}`,
    );
    return orderId;
  };
  const payoutRows = async (sellerId: number) =>
    (
      await t.sql.query(
        'SELECT id, amount_cents AS cents, entry_count AS n FROM payouts WHERE seller_id = $1',
        [sellerId],
      )
    ).rows as { id: number; cents: number; n: number }[];
  const expectNothingAvailable = async (sellerId: number, balance: string) => {
    const res = await payOut(sellerId).expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'PAYOUT_NOTHING_AVAILABLE' });
    expect(res.body.message).toContain(`their AVAILABLE balance is ${balance} EUR`);
  };

  it("pays exactly the seller's AVAILABLE sum, and marks what it covers PAID", async () => {
    const s = await aSeller();
    const cleared = await aClearedOrder(s, 100);
    // Paid but not COMPLETED: PENDING, not paid out.
    const pendingOrder = await anOrder(s.itemId, 20);
    await pay(pendingOrder, 20);
    expect(await totals(s)).toEqual({ ...ZERO, pending: 17.5, available: 87.5 });

    const res = await payOut(s.id).expect(201);
    const payout = res.body as Payout;
    expect(payout).toEqual({
      id: expect.any(Number),
      sellerId: s.id,
      amount: 87.5,
      currency: 'EUR',
      entryCount: 1,
      execution: 'MANUAL',
      externalRef: null,
      executionNote: expect.stringContaining('STRIPE_SECRET_KEY'),
      createdAt: expect.any(String),
    });

    const list = await entries(s);
    expect(list.map((e) => [e.type, e.orderId, e.amount, e.state, e.payoutId])).toEqual([
      ['PAYOUT', null, -87.5, 'PAID', payout.id],
      ['EARNING', pendingOrder, 17.5, 'PENDING', null],
      ['EARNING', cleared, 87.5, 'PAID', payout.id],
    ]);
    expect(list[0]).toMatchObject({ platformFee: 0, execution: null, externalRef: null });
    expect(await totals(s)).toEqual({ ...ZERO, pending: 17.5, available: 0, paid: 87.5 });

    // The admin's list and the seller's own show it as POST answered it.
    const all = await t.http.get(`/payouts?sellerId=${s.id}`).set(admin.auth).expect(200);
    expect(all.body).toEqual([payout]);
    const mine = await t.http.get('/users/me/payouts').set(s.auth).expect(200);
    expect(mine.body).toEqual([payout]);
    expect(await payoutRows(s.id)).toEqual([{ id: payout.id, cents: 8750, n: 1 }]);

    // Nothing left: a second payout is refused and writes nothing.
    await expectNothingAvailable(s.id, '0.00');
    expect(await payoutRows(s.id)).toHaveLength(1);
    expect(await entries(s)).toHaveLength(3);
  });

  it('of six racing payouts for one seller, exactly one pays, each entry once', async () => {
    const s = await aSeller();
    await aClearedOrder(s, 100);
    await aClearedOrder(s, 40);
    expect(await totals(s)).toEqual({ ...ZERO, available: 122.5 });

    // The six meet at the seller's entries: a transaction holding them releases all at once.
    const responses = await raceBehindGate(
      t,
      {
        sql: `SELECT id FROM ledger_entries WHERE seller_id = $1 FOR UPDATE`,
        params: [s.id],
      },
      6,
      () => payOut(s.id),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const losers = responses.filter((r) => r.status === 409);
    for (const r of losers) expect(r.body.code).toBe('PAYOUT_NOTHING_AVAILABLE');
    const winner = responses.find((r) => r.status === 201)!.body as Payout;
    expect(winner).toMatchObject({ sellerId: s.id, amount: 122.5, entryCount: 2 });

    expect(await payoutRows(s.id)).toEqual([{ id: winner.id, cents: 12250, n: 2 }]);
    const { rows } = await t.sql.query(
      `SELECT type, state, payout_id AS "payoutId", amount_cents AS cents
       FROM ledger_entries WHERE seller_id = $1 ORDER BY id`,
      [s.id],
    );
    expect(rows).toEqual([
      { type: 'EARNING', state: 'PAID', payoutId: winner.id, cents: 8750 },
      { type: 'EARNING', state: 'PAID', payoutId: winner.id, cents: 3500 },
      { type: 'PAYOUT', state: 'PAID', payoutId: winner.id, cents: -12250 },
    ]);
    // Over the whole database: no payout covers more than its amount, and every PAID entry
    // belongs to a payout that counts it.
    const { rows: mismatches } = await t.sql.query(
      `SELECT p.id FROM payouts p
       LEFT JOIN ledger_entries e ON e.payout_id = p.id AND e.type <> 'PAYOUT'
       GROUP BY p.id
       HAVING COALESCE(sum(e.amount_cents), 0) <> p.amount_cents OR count(e.id) <> p.entry_count`,
    );
    expect(mismatches).toEqual([]);
    const { rows: sums } = await t.sql.query(
      `SELECT (SELECT sum(amount_cents)::int FROM ledger_entries
               WHERE seller_id = $1 AND state = 'PAID' AND type <> 'PAYOUT') AS paid,
              (SELECT sum(amount_cents)::int FROM payouts WHERE seller_id = $1) AS payouts`,
      [s.id],
    );
    expect(sums).toEqual([{ paid: 12250, payouts: 12250 }]);
    expect(await totals(s)).toEqual({ ...ZERO, paid: 122.5 });
  });

  it('a refund after a payout leaves a negative balance, which the next payout nets', async () => {
    const s = await aSeller();
    const first = await aClearedOrder(s, 100);
    const payout1 = (await payOut(s.id).expect(201)).body as Payout;
    expect(payout1.amount).toBe(87.5);

    // A dispute on the paid-out order holds nothing: the payout is final.
    const disputeId = await aDispute(t, buyer, first);
    expect(await totals(s)).toEqual({ ...ZERO, paid: 87.5 });
    // A refund of 40: ECHO gives back 40 × 12.50 / 100 = 5 of its fee; 35 comes from the seller.
    await resolveDispute(t, admin, disputeId, 40);
    const refund = await entryOf(s, first, 'REFUND');
    expect(refund).toMatchObject({
      type: 'REFUND',
      amount: -35,
      platformFee: -5,
      // The dispute is closed and the order COMPLETED and cleared long ago.
      state: 'AVAILABLE',
      payoutId: null,
      execution: 'MANUAL',
      externalRef: null,
    });
    expect(await totals(s)).toEqual({ ...ZERO, available: -35, paid: 87.5 });
    await expectNothingAvailable(s.id, '-35.00');
    expect(await payoutRows(s.id)).toHaveLength(1);

    // An earning of 52.50 clears: the next payout is 52.50 - 35.00.
    const second = await aClearedOrder(s, 60);
    expect(await totals(s)).toEqual({ ...ZERO, available: 17.5, paid: 87.5 });
    const payout2 = (await payOut(s.id).expect(201)).body as Payout;
    expect(payout2).toMatchObject({ sellerId: s.id, amount: 17.5, entryCount: 2 });
    expect((await entryOf(s, first, 'REFUND'))?.payoutId).toBe(payout2.id);
    expect((await entryOf(s, second))?.payoutId).toBe(payout2.id);
    expect(await totals(s)).toEqual({ ...ZERO, paid: 105 });
    expect((await payoutRows(s.id)).map((p) => p.cents).sort((a, b) => a - b)).toEqual([
      1750, 8750,
    ]);
  });

  it('an OPEN dispute holds the earning from payouts until it is resolved', async () => {
    const s = await aSeller();
    const disputed = await aClearedOrder(s, 100);
    const disputeId = await aDispute(t, buyer, disputed);
    expect(await totals(s)).toEqual({ ...ZERO, held: 87.5 });
    expect((await entryOf(s, disputed))?.state).toBe('HELD');
    // Nothing else: nothing to pay.
    await expectNothingAvailable(s.id, '0.00');

    // Another order clears: only it is paid; the held earning stays unpaid.
    const other = await aClearedOrder(s, 20);
    const payout1 = (await payOut(s.id).expect(201)).body as Payout;
    expect(payout1).toMatchObject({ amount: 17.5, entryCount: 1 });
    expect(await entryOf(s, disputed)).toMatchObject({ state: 'HELD', payoutId: null });
    expect((await entryOf(s, other))?.payoutId).toBe(payout1.id);
    expect(await totals(s)).toEqual({ ...ZERO, held: 87.5, paid: 17.5 });

    // Resolved without a refund: released, AVAILABLE (its clearance is long past), paid next.
    await resolveDispute(t, admin, disputeId);
    expect(await totals(s)).toEqual({ ...ZERO, available: 87.5, paid: 17.5 });
    const payout2 = (await payOut(s.id).expect(201)).body as Payout;
    expect(payout2).toMatchObject({ amount: 87.5, entryCount: 1 });
    expect(await entryOf(s, disputed)).toMatchObject({ state: 'PAID', payoutId: payout2.id });
    expect(await totals(s)).toEqual({ ...ZERO, paid: 105 });
  });

  describe('routes and roles', () => {
    it('POST /payouts: 401 anonymous, 403 for non-admins, 404 unknown seller, writing nothing', async () => {
      const s = await aSeller();
      await aClearedOrder(s, 10);
      const anonymous = await t.http.post('/payouts').send({ sellerId: s.id }).expect(401);
      expect(anonymous.body).toMatchObject({ statusCode: 401, code: 'TOKEN_MISSING' });
      for (const who of [s, buyer, stranger]) {
        const res = await payOut(s.id, who).expect(403);
        expect(res.body).toMatchObject({ statusCode: 403, code: 'ROLE_REQUIRED' });
      }
      const missing = await payOut(MISSING_ID).expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404, code: 'USER_NOT_FOUND' });
      expect(missing.body.message).toContain(String(MISSING_ID));
      expect(await payoutRows(s.id)).toEqual([]);
      expect(await totals(s)).toEqual({ ...ZERO, available: 8.75 });
    });

    it('POST /payouts: 400 for a bad body, writing nothing', async () => {
      const count = async () =>
        (await t.sql.query('SELECT count(*)::int AS n FROM payouts')).rows[0].n as number;
      const before = await count();
      await expectEachRefused(
        [
          { sellerId: 'x' },
          { sellerId: 0 },
          { sellerId: 1.5 },
          {},
          { sellerId: seller.id, amount: 10 },
        ],
        (body) => t.http.post('/payouts').set(admin.auth).send(body),
      );
      const unknownField = await t.http
        .post('/payouts')
        .set(admin.auth)
        .send({ sellerId: seller.id, amount: 10 })
        .expect(400);
      expect(JSON.stringify(unknownField.body.message)).toContain('amount');
      expect(await count()).toBe(before);
    });

    it('GET /payouts: ADMIN only, newest first, by seller, paginated', async () => {
      const s = await aSeller();
      await aClearedOrder(s, 10);
      const older = (await payOut(s.id).expect(201)).body as Payout;
      await aClearedOrder(s, 20);
      const newer = (await payOut(s.id).expect(201)).body as Payout;

      expect((await t.http.get('/payouts').expect(401)).body.code).toBe('TOKEN_MISSING');
      for (const who of [s, buyer]) {
        expect((await t.http.get('/payouts').set(who.auth).expect(403)).body.code).toBe(
          'ROLE_REQUIRED',
        );
      }
      const everyone = (await t.http.get('/payouts?limit=100').set(admin.auth).expect(200))
        .body as Payout[];
      expect(everyone.map((p) => p.id)).toEqual(
        [...everyone.map((p) => p.id)].sort((a, b) => b - a),
      );
      expect(everyone).toEqual(expect.arrayContaining([older, newer]));

      const first = await t.http.get(`/payouts?sellerId=${s.id}&limit=1`).set(admin.auth);
      expect(first.status).toBe(200);
      expect(first.body).toEqual([newer]);
      const cursor = first.headers['x-next-cursor'];
      expect(cursor).toEqual(expect.any(String));
      const next = await t.http
        .get(`/payouts?sellerId=${s.id}&limit=1&cursor=${encodeURIComponent(cursor)}`)
        .set(admin.auth)
        .expect(200);
      expect(next.body).toEqual([older]);
      expect(next.headers['x-next-cursor']).toBeUndefined();

      // Another seller's filter sees none of these.
      expect((await t.http.get(`/payouts?sellerId=${stranger.id}`).set(admin.auth)).body).toEqual(
        [],
      );
      for (const query of ['sellerId=x', 'sellerId=0', 'limit=0', 'cursor=nonsense']) {
        const res = await t.http.get(`/payouts?${query}`).set(admin.auth).expect(400);
        expect(res.body).toMatchObject({ statusCode: 400 });
      }
    });

    it('GET /users/me/payouts: 401 anonymous; each seller sees only their own', async () => {
      const [a, b] = await Promise.all([aSeller(), aSeller()]);
      await Promise.all([aClearedOrder(a, 10), aClearedOrder(b, 30)]);
      const pa = (await payOut(a.id).expect(201)).body as Payout;
      const pb = (await payOut(b.id).expect(201)).body as Payout;

      const anonymous = await t.http.get('/users/me/payouts').expect(401);
      expect(anonymous.body.code).toBe('TOKEN_MISSING');
      expect((await t.http.get('/users/me/payouts').set(a.auth).expect(200)).body).toEqual([pa]);
      expect((await t.http.get('/users/me/payouts').set(b.auth).expect(200)).body).toEqual([pb]);
      // The buyer, a stranger and the admin who made them were paid nothing.
      for (const who of [buyer, stranger, admin]) {
        expect((await t.http.get('/users/me/payouts').set(who.auth).expect(200)).body).toEqual([]);
      }
      // The seller's own list takes no other seller's id.
      await t.http.get(`/users/me/payouts?sellerId=${b.id}`).set(a.auth).expect(400);
      await t.http.get('/users/me/payouts?limit=0').set(a.auth).expect(400);
    });
  });

  describe('PUT /payouts/{id}/execution', () => {
    const record = (id: number | string, body: object, who: TestUser = admin) =>
      t.http.put(`/payouts/${id}/execution`).set(who.auth).send(body);
    /** A seller paid `price` less the fee by a MANUAL payout. */
    const aManualPayout = async (price: number) => {
      const s = await aSeller();
      await aClearedOrder(s, price);
      return { s, payout: (await payOut(s.id).expect(201)).body as Payout };
    };
    const ledgerOf = async (sellerId: number) =>
      (
        await t.sql.query(
          `SELECT type, amount_cents AS cents, state, payout_id AS "payoutId"
           FROM ledger_entries WHERE seller_id = $1 ORDER BY id`,
          [sellerId],
        )
      ).rows;

    it('SUCCEEDED records the reference of the transfer made by hand, once', async () => {
      const { s, payout } = await aManualPayout(20);
      const before = await ledgerOf(s.id);
      const body = { execution: 'SUCCEEDED', externalRef: ' SEPA-0042 ', note: 'From EUR.' };
      const done = (await record(payout.id, body).expect(200)).body as Payout;
      expect(done).toEqual({
        ...payout,
        execution: 'SUCCEEDED',
        externalRef: 'SEPA-0042',
        executionNote: 'From EUR.',
      });
      expect((await t.http.get('/users/me/payouts').set(s.auth).expect(200)).body).toEqual([done]);
      expect(await totals(s)).toEqual({ ...ZERO, paid: 17.5 });
      expect(await ledgerOf(s.id)).toEqual(before);

      // A retry of the same record is answered as it stands; any other is refused.
      expect((await record(payout.id, body).expect(200)).body).toEqual(done);
      for (const other of [
        { ...body, externalRef: 'SEPA-0043' },
        { execution: 'FAILED', note: 'Bounced.' },
      ]) {
        const res = await record(payout.id, other).expect(409);
        expect(res.body).toMatchObject({ statusCode: 409, code: 'PAYOUT_NOT_MANUAL' });
        expect(res.body.message).toBe(
          `Payout ${payout.id} is SUCCEEDED already, and a recorded outcome is final.`,
        );
      }
      expect((await t.http.get('/users/me/payouts').set(s.auth).expect(200)).body).toEqual([done]);
      expect(await ledgerOf(s.id)).toEqual(before);
    });

    it("FAILED gives the payout's money back to AVAILABLE, and the next payout takes it", async () => {
      const { s, payout } = await aManualPayout(40);
      const note = "The seller's bank returned the transfer: account closed.";
      const failed = (await record(payout.id, { execution: 'FAILED', note }).expect(200))
        .body as Payout;
      expect(failed).toEqual({
        ...payout,
        execution: 'FAILED',
        externalRef: null,
        executionNote: note,
      });
      // The entries it covered stay PAID to it; a positive PAYOUT entry brings the money back.
      expect(await ledgerOf(s.id)).toEqual([
        { type: 'EARNING', cents: 3500, state: 'PAID', payoutId: payout.id },
        { type: 'PAYOUT', cents: -3500, state: 'PAID', payoutId: payout.id },
        { type: 'PAYOUT', cents: 3500, state: 'AVAILABLE', payoutId: null },
      ]);
      expect(await totals(s)).toEqual({ ...ZERO, available: 35 });
      // Retried, it gives nothing back a second time.
      expect((await record(payout.id, { execution: 'FAILED', note }).expect(200)).body).toEqual(
        failed,
      );
      expect(await ledgerOf(s.id)).toHaveLength(3);

      const next = (await payOut(s.id).expect(201)).body as Payout;
      expect(next).toMatchObject({ amount: 35, entryCount: 1, execution: 'MANUAL' });
      expect(await totals(s)).toEqual({ ...ZERO, paid: 35 });
    });

    it('of two operators recording one payout at once, exactly one is applied', async () => {
      const { s, payout } = await aManualPayout(10);
      const outcomes = [
        { execution: 'SUCCEEDED', externalRef: 'SEPA-1' },
        { execution: 'FAILED', note: 'Bounced.' },
      ];
      let i = 0;
      const responses = await raceBehindGate(
        t,
        { sql: 'SELECT id FROM payouts WHERE id = $1 FOR UPDATE', params: [payout.id] },
        2,
        () => record(payout.id, outcomes[i++]),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = responses.find((r) => r.status === 200)!.body as Payout;
      const { rows } = await t.sql.query('SELECT execution FROM payouts WHERE id = $1', [
        payout.id,
      ]);
      expect(rows).toEqual([{ execution: winner.execution }]);
      // Money came back only if FAILED won, and once.
      const back = (await ledgerOf(s.id)).filter((e) => e.type === 'PAYOUT' && e.cents > 0);
      expect(back).toHaveLength(winner.execution === 'FAILED' ? 1 : 0);
    });

    it('a payout at Stripe records its own outcome: 409', async () => {
      const { payout } = await aManualPayout(10);
      // As a payout made with a Stripe key and a connected account is.
      await t.sql.query(`UPDATE payouts SET execution = 'PENDING' WHERE id = $1`, [payout.id]);
      const res = await record(payout.id, { execution: 'SUCCEEDED', externalRef: 'x' }).expect(409);
      expect(res.body).toMatchObject({ code: 'PAYOUT_NOT_MANUAL' });
      expect(res.body.message).toBe(
        `Payout ${payout.id} is PENDING at Stripe, which records its outcome itself.`,
      );
    });

    it('400 for a bad body or id, 404 unknown, 403 non-admins, 401 anonymous; nothing written', async () => {
      const { s, payout } = await aManualPayout(10);
      const before = await ledgerOf(s.id);
      await expectEachRefused(
        [
          {},
          { execution: 'PENDING' },
          { execution: 'MANUAL' },
          { execution: 'SUCCEEDED' },
          { execution: 'SUCCEEDED', externalRef: '   ' },
          { execution: 'SUCCEEDED', externalRef: 'x'.repeat(256) },
          { execution: 'FAILED' },
          { execution: 'FAILED', note: '  ' },
          { execution: 'FAILED', note: 42 },
          { execution: 'SUCCEEDED', externalRef: 'SEPA-1', amount: 5 },
        ],
        (body) => record(payout.id, body),
      );
      const noRef = await record(payout.id, { execution: 'SUCCEEDED' }).expect(400);
      expect(JSON.stringify(noRef.body.message)).toContain('externalRef');
      const noNote = await record(payout.id, { execution: 'FAILED' }).expect(400);
      expect(JSON.stringify(noNote.body.message)).toContain('note must say why');
      await record('x', { execution: 'SUCCEEDED', externalRef: 'SEPA-1' }).expect(400);

      const ok = { execution: 'SUCCEEDED', externalRef: 'SEPA-1' };
      const missing = await record(MISSING_ID, ok).expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404, code: 'PAYOUT_NOT_FOUND' });
      expect(missing.body.message).toBe(`Payout ${MISSING_ID} does not exist.`);
      for (const who of [s, buyer, stranger]) {
        expect((await record(payout.id, ok, who).expect(403)).body.code).toBe('ROLE_REQUIRED');
      }
      const anonymous = await t.http.put(`/payouts/${payout.id}/execution`).send(ok).expect(401);
      expect(anonymous.body.code).toBe('TOKEN_MISSING');

      const { rows } = await t.sql.query(
        'SELECT execution, external_ref AS ref FROM payouts WHERE id = $1',
        [payout.id],
      );
      expect(rows).toEqual([{ execution: 'MANUAL', ref: null }]);
      expect(await ledgerOf(s.id)).toEqual(before);
    });
  });

  describe('PUT /payouts/accounts/{sellerId}', () => {
    const accountOf = async (userId: number) =>
      (await t.sql.query('SELECT stripe_account_id AS a FROM users WHERE id = $1', [userId]))
        .rows[0].a as string | null;
    const put = (sellerId: number | string, body: object, who: TestUser = admin) =>
      t.http.put(`/payouts/accounts/${sellerId}`).set(who.auth).send(body);

    it('200 sets and unsets the account', async () => {
      const s = await aSeller();
      const account = `acct_${hex()}`;
      expect((await put(s.id, { stripeAccountId: account }).expect(200)).body).toEqual({
        sellerId: s.id,
        stripeAccountId: account,
      });
      expect(await accountOf(s.id)).toBe(account);
      // Setting it again is the same answer.
      await put(s.id, { stripeAccountId: account }).expect(200);
      expect((await put(s.id, { stripeAccountId: null }).expect(200)).body).toEqual({
        sellerId: s.id,
        stripeAccountId: null,
      });
      expect(await accountOf(s.id)).toBeNull();
      // With no key on this server, a payout stays MANUAL with or without an account.
      await put(s.id, { stripeAccountId: account }).expect(200);
      await aClearedOrder(s, 10);
      const payout = (await payOut(s.id).expect(201)).body as Payout;
      expect(payout).toMatchObject({ execution: 'MANUAL', externalRef: null });
      expect(payout.executionNote).toContain('STRIPE_SECRET_KEY');
    });

    it('400 for a bad account id or seller id, writing nothing', async () => {
      const s = await aSeller();
      await expectEachRefused(
        [
          { stripeAccountId: 'ba_123' },
          { stripeAccountId: 'acct_' },
          { stripeAccountId: 'acct_has space' },
          { stripeAccountId: 42 },
          {},
          { stripeAccountId: `acct_${hex()}`, extra: true },
        ],
        (body) => put(s.id, body),
      );
      const bad = await put(s.id, { stripeAccountId: 'ba_123' }).expect(400);
      expect(JSON.stringify(bad.body.message)).toContain('acct_');
      await put('x', { stripeAccountId: `acct_${hex()}` }).expect(400);
      expect(await accountOf(s.id)).toBeNull();
    });

    it('404 for an unknown user; 403 for non-admins; 401 anonymous', async () => {
      const s = await aSeller();
      const missing = await put(MISSING_ID, { stripeAccountId: `acct_${hex()}` }).expect(404);
      expect(missing.body).toMatchObject({ statusCode: 404, code: 'USER_NOT_FOUND' });
      for (const who of [s, buyer, stranger]) {
        const res = await put(s.id, { stripeAccountId: `acct_${hex()}` }, who).expect(403);
        expect(res.body.code).toBe('ROLE_REQUIRED');
      }
      const anonymous = await t.http
        .put(`/payouts/accounts/${s.id}`)
        .send({ stripeAccountId: `acct_${hex()}` })
        .expect(401);
      expect(anonymous.body.code).toBe('TOKEN_MISSING');
      expect(await accountOf(s.id)).toBeNull();
    });
  });

  it('Idempotency-Key: the same key twice is the same payout, one row', async () => {
    const s = await aSeller();
    await aClearedOrder(s, 100);
    const key = randomUUID();
    const send = () =>
      t.http.post('/payouts').set(admin.auth).set('Idempotency-Key', key).send({ sellerId: s.id });
    const first = await send().expect(201);
    const again = await send().expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await payoutRows(s.id)).toEqual([{ id: first.body.id, cents: 8750, n: 1 }]);
    expect(await totals(s)).toEqual({ ...ZERO, paid: 87.5 });
    // Without the key, a new request is a new attempt: nothing is left.
    await expectNothingAvailable(s.id, '0.00');
  });
});
