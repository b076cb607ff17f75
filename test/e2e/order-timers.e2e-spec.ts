import { cloneTemplate } from '../support/databases';
import { aCast, anItem, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** Jobs are looked for twice a second here; durations are seconds (PT1S), as the contract allows. */
const ENV = { JOBS_POLL_SECONDS: '0.5' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type HistoryRow = { status: string; changedByUserId: number | null; reason: string | null };

/** Auto-complete after a delivery, and the expiry of a cancellation request: durable timers. */
describe('order timers', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp(ENV);
    ({ buyer, seller, admin } = await aCast(t));
  });
  afterAll(() => t.close());

  const settings = (app: TestApp, body: object) =>
    app.http
      .put('/marketplace/settings')
      .set(admin.auth)
      .send({
        defaultProcess: 'DIRECT',
        autoCompleteAfter: 'P3D',
        cancellationWindow: 'PT48H',
        clearancePeriod: 'P7D',
        ...body,
      })
      .expect(200);
  const inProgress = async (app: TestApp): Promise<number> => {
    const item = await anItem(app, seller, { process: 'PROTECTED' });
    const id = (
      await app.http.post('/orders').set(buyer.auth).send({ itemId: item.id }).expect(201)
    ).body.id as number;
    await app.http.patch(`/orders/${id}/status?status=IN_PROGRESS`).set(seller.auth).expect(200);
    return id;
  };
  const deliver = (app: TestApp, id: number) =>
    app.http
      .post(`/orders/${id}/deliveries`)
      .set(seller.auth)
      .send({ message: 'Done' })
      .expect(201);
  const history = async (app: TestApp, id: number): Promise<HistoryRow[]> =>
    (await app.http.get(`/orders/${id}/history`).set(buyer.auth).expect(200)).body;
  const status = async (app: TestApp, id: number): Promise<string> =>
    (await app.http.get(`/orders/${id}`).set(buyer.auth).expect(200)).body.status;
  /** Waits until `check` holds, up to 15 s. */
  async function until(check: () => Promise<boolean>, what: string) {
    const deadline = Date.now() + 15_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Waited 15 s for ${what}`);
      await sleep(200);
    }
  }

  it('completes a delivered order by itself once autoCompleteAfter has passed, as the platform', async () => {
    await settings(t, { autoCompleteAfter: 'PT1S' });
    const id = await inProgress(t);
    await deliver(t, id);
    await until(async () => (await status(t, id)) === 'COMPLETED', 'the auto-complete');
    const rows = await history(t, id);
    expect(rows.at(-1)).toMatchObject({
      status: 'COMPLETED',
      changedByUserId: null,
      reason: 'AUTO_COMPLETED',
    });
    expect(rows.filter((r) => r.status === 'COMPLETED')).toHaveLength(1);
    expect(rows.filter((r) => r.changedByUserId !== null).every((r) => r.reason === null)).toBe(
      true,
    );
  });

  it('leaves an order alone that the buyer accepted or sent back before its timer', async () => {
    await settings(t, { autoCompleteAfter: 'PT2S' });
    const [accepted, revised] = [await inProgress(t), await inProgress(t)];
    await deliver(t, accepted);
    await deliver(t, revised);
    await t.http.patch(`/orders/${accepted}/status?status=COMPLETED`).set(buyer.auth).expect(200);
    await t.http
      .post(`/orders/${revised}/revision-requests`)
      .set(buyer.auth)
      .send({ reason: 'Darker' })
      .expect(201);
    await sleep(3_500); // both timers have come and gone
    expect(await status(t, accepted)).toBe('COMPLETED');
    expect(await status(t, revised)).toBe('IN_PROGRESS');
    const done = (await history(t, accepted)).filter((r) => r.status === 'COMPLETED');
    expect(done).toEqual([
      {
        status: 'COMPLETED',
        changedByUserId: buyer.id,
        reason: null,
        changedAt: expect.any(String),
      },
    ]);
  });

  it('when the buyer accepts as the timer fires: one COMPLETED, one history row', async () => {
    await settings(t, { autoCompleteAfter: 'PT1S' });
    const ids = [await inProgress(t), await inProgress(t), await inProgress(t)];
    for (const id of ids) await deliver(t, id);
    await sleep(1_000);
    const answers = await Promise.all(
      ids.map((id) => t.http.patch(`/orders/${id}/status?status=COMPLETED`).set(buyer.auth)),
    );
    for (const [i, id] of ids.entries()) {
      await until(async () => (await status(t, id)) === 'COMPLETED', 'completion');
      await sleep(1_000); // a timer that lost would have written by now
      const done = (await history(t, id)).filter((r) => r.status === 'COMPLETED');
      expect(done).toHaveLength(1);
      // The buyer's answer says who won: 200 for the buyer, 409 (already COMPLETED) for the timer.
      expect(answers[i].status).toBe(done[0].changedByUserId === buyer.id ? 200 : 409);
    }
  });

  it('expires an unanswered cancellation request after cancellationWindow and cancels the order', async () => {
    await settings(t, { cancellationWindow: 'PT1S' });
    const id = await inProgress(t);
    const request = (
      await t.http
        .post(`/orders/${id}/cancellation-requests`)
        .set(seller.auth)
        .send({ reason: 'Out of time' })
        .expect(201)
    ).body as { id: number };
    await until(async () => (await status(t, id)) === 'CANCELLED', 'the expiry');
    const list = (await t.http.get(`/orders/${id}/cancellation-requests`).set(buyer.auth)).body;
    expect(list).toEqual([
      expect.objectContaining({
        id: request.id,
        status: 'EXPIRED',
        resolvedAt: expect.any(String),
      }),
    ]);
    expect((await history(t, id)).at(-1)).toMatchObject({
      status: 'CANCELLED',
      changedByUserId: null,
      reason: 'CANCELLATION_EXPIRED',
    });
  });

  it('stops the clock while a dispute is OPEN and resumes it with the time left', async () => {
    await settings(t, { autoCompleteAfter: 'PT3S' });
    const id = await inProgress(t);
    await deliver(t, id);
    const before = (await t.http.get(`/orders/${id}`).set(buyer.auth)).body as {
      autoCompleteAt: string;
    };
    const left = Date.parse(before.autoCompleteAt) - Date.now();
    const dispute = (
      await t.http.post('/disputes').set(buyer.auth).send({ orderId: id, reason: 'Wrong files' })
    ).body as { id: number };
    expect((await t.http.get(`/orders/${id}`).set(buyer.auth)).body).toMatchObject({
      hasOpenDispute: true,
      autoCompleteAt: null,
    });
    await sleep(4_000); // past the original autoCompleteAt: stopped, nothing happens
    expect(await status(t, id)).toBe('DELIVERED');
    const resumedAt = Date.now();
    await t.http
      .patch(`/disputes/${dispute.id}/resolve`)
      .set(admin.auth)
      .send({ resolution: 'Files were right.' })
      .expect(200);
    const after = (await t.http.get(`/orders/${id}`).set(buyer.auth)).body as {
      autoCompleteAt: string;
    };
    // The time that was left, counted from the close (give or take the requests' own time).
    const resumedLeft = Date.parse(after.autoCompleteAt) - resumedAt;
    expect(Math.abs(resumedLeft - left)).toBeLessThan(1_500);
    await until(async () => (await status(t, id)) === 'COMPLETED', 'the resumed auto-complete');
    expect((await history(t, id)).at(-1)).toMatchObject({ reason: 'AUTO_COMPLETED' });
  });

  it('applies a resolution orderOutcome in the same transaction, as the admin', async () => {
    const id = await inProgress(t);
    await deliver(t, id);
    const dispute = (
      await t.http.post('/disputes').set(buyer.auth).send({ orderId: id, reason: 'Not as agreed' })
    ).body as { id: number };
    await t.http
      .patch(`/disputes/${dispute.id}/resolve`)
      .set(admin.auth)
      .send({ resolution: 'Refunded in full.', orderOutcome: 'FINISHED' })
      .expect(400);
    await t.http
      .patch(`/disputes/${dispute.id}/resolve`)
      .set(admin.auth)
      .send({ resolution: 'Refunded in full.', orderOutcome: 'CANCELLED' })
      .expect(200);
    expect(await status(t, id)).toBe('CANCELLED');
    expect((await history(t, id)).at(-1)).toMatchObject({
      status: 'CANCELLED',
      changedByUserId: admin.id,
      reason: null,
    });
    // A second dispute, resolved with the status the order already has: 409, still OPEN.
    const again = (
      await t.http.post('/disputes').set(buyer.auth).send({ orderId: id, reason: 'Still wrong' })
    ).body as { id: number };
    expect(
      (
        await t.http
          .patch(`/disputes/${again.id}/resolve`)
          .set(admin.auth)
          .send({ resolution: 'No.', orderOutcome: 'CANCELLED' })
          .expect(409)
      ).body,
    ).toMatchObject({ code: 'ORDER_ALREADY_IN_STATUS' });
    expect((await t.http.get(`/disputes/${again.id}`).set(admin.auth)).body).toMatchObject({
      status: 'OPEN',
    });
  });

  it('a timer survives a restart and fires once; with two instances each fires once', async () => {
    const db = await cloneTemplate();
    try {
      const a = await startTestApp(ENV, { databaseUrl: db.url });
      const cast = await aCast(a);
      const first = { ...cast };
      await a.http
        .put('/marketplace/settings')
        .set(first.admin.auth)
        .send({
          defaultProcess: 'DIRECT',
          autoCompleteAfter: 'PT2S',
          cancellationWindow: 'PT48H',
          clearancePeriod: 'P7D',
        })
        .expect(200);
      const place = async (app: TestApp) => {
        const item = await anItem(app, first.seller, { process: 'PROTECTED' });
        const id = (
          await app.http.post('/orders').set(first.buyer.auth).send({ itemId: item.id }).expect(201)
        ).body.id as number;
        await app.http
          .patch(`/orders/${id}/status?status=IN_PROGRESS`)
          .set(first.seller.auth)
          .expect(200);
        await app.http
          .post(`/orders/${id}/deliveries`)
          .set(first.seller.auth)
          .send({ message: 'Done' })
          .expect(201);
        return id;
      };
      const beforeRestart = await place(a);
      await a.close(); // its timer is in the database, not in this process

      const [b, c] = [
        await startTestApp(ENV, { databaseUrl: db.url }),
        await startTestApp(ENV, { databaseUrl: db.url }),
      ];
      try {
        const more = [await place(b), await place(c), await place(b), await place(c)];
        for (const id of [beforeRestart, ...more]) {
          await until(async () => {
            const res = await b.http.get(`/orders/${id}`).set(first.buyer.auth);
            return res.body.status === 'COMPLETED';
          }, `order ${id} to complete`);
        }
        await sleep(1_500);
        const { rows } = await b.sql.query<{ order_id: number; n: number }>(
          `SELECT order_id, count(*)::int AS n FROM order_status_history
           WHERE status = 'COMPLETED' AND order_id = ANY($1::int[]) GROUP BY order_id`,
          [[beforeRestart, ...more]],
        );
        expect(rows.map((r) => r.n)).toEqual([1, 1, 1, 1, 1]);
      } finally {
        await c.close();
        await b.close();
      }
    } finally {
      await db.drop();
    }
  });
});
