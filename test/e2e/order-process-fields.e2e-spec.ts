import { aCast, anItem, countRows, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const DEFAULTS = {
  defaultProcess: 'DIRECT',
  autoCompleteAfter: 'P3D',
  cancellationWindow: 'PT48H',
  clearancePeriod: 'P7D',
};
const DAY_MS = 24 * 60 * 60 * 1000;

/** Listings name their process; orders copy it with the due date and revisions. */
describe('order processes on listings and orders', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    ({ buyer, seller, admin } = await aCast(t));
  });
  afterAll(() => t.close());

  const settings = (body: object) =>
    t.http
      .put('/marketplace/settings')
      .set(admin.auth)
      .send({ ...DEFAULTS, ...body })
      .expect(200);
  const order = async (itemId: number) =>
    (await t.http.post('/orders').set(buyer.auth).send({ itemId }).expect(201)).body as Record<
      string,
      unknown
    >;
  const patch = (orderId: unknown, who: TestUser, status: string) =>
    t.http.patch(`/orders/${String(orderId)}/status?status=${status}`).set(who.auth);

  it('gives a listing that names no process the marketplace default of the moment', async () => {
    expect((await anItem(t, seller)) as object).toMatchObject({ process: 'DIRECT' });
    await settings({ defaultProcess: 'PROTECTED' });
    try {
      expect((await anItem(t, seller)) as object).toMatchObject({ process: 'PROTECTED' });
      expect((await anItem(t, seller, { process: 'DIRECT' })) as object).toMatchObject({
        process: 'DIRECT',
      });
    } finally {
      await settings({});
    }
  });

  it.each([
    [{ process: 'FAST' }, /process must be one of DIRECT, PROTECTED/],
    [{ deliveryDays: 0 }, /deliveryDays must be an integer from 1 to 365/],
    [{ deliveryDays: 366 }, /deliveryDays/],
    [{ deliveryDays: 1.5 }, /deliveryDays/],
    [{ deliveryDays: '7' }, /deliveryDays/],
    [{ revisionsIncluded: 21 }, /revisionsIncluded must be an integer from 0 to 20/],
    [{ revisionsIncluded: -1 }, /revisionsIncluded/],
  ])('refuses a listing with %j, writing nothing', async (fields, sentence) => {
    const before = await countRows(t, 'items');
    const res = await t.http
      .post('/items')
      .set(seller.auth)
      .send({ title: 'Mix', basePrice: 80, itemType: 'SERVICE', ...fields })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(JSON.stringify(res.body.message)).toMatch(sentence);
    expect(await countRows(t, 'items')).toBe(before);
  });

  it('copies process, due date and revisions into the order; later edits of the listing do not change it', async () => {
    const item = (await anItem(t, seller, {
      process: 'PROTECTED',
      deliveryDays: 7,
      revisionsIncluded: 2,
    })) as { id: number };
    const first = await order(item.id);
    expect(first).toMatchObject({
      process: 'PROTECTED',
      revisionsLeft: 2,
      isLate: false,
      deliveredAt: null,
      autoCompleteAt: null,
    });
    const dueIn = Date.parse(first.dueAt as string) - Date.parse(first.createdAt as string);
    expect(dueIn).toBe(7 * DAY_MS);

    await t.http
      .patch(`/items/${item.id}`)
      .set(seller.auth)
      .send({ process: 'DIRECT', deliveryDays: null, revisionsIncluded: 5 })
      .expect(200);
    expect(
      (
        await t.http
          .get(`/orders/${String(first.id)}`)
          .set(buyer.auth)
          .expect(200)
      ).body,
    ).toMatchObject({ process: 'PROTECTED', revisionsLeft: 2, dueAt: first.dueAt });
    expect(await order(item.id)).toMatchObject({
      process: 'DIRECT',
      revisionsLeft: 5,
      dueAt: null,
    });
  });

  it('calls an order late once past its due date and not delivered, and never once it is finished', async () => {
    const item = (await anItem(t, seller, { deliveryDays: 3 })) as { id: number };
    const o = await order(item.id);
    const isLate = async () =>
      (
        await t.http
          .get(`/orders/${String(o.id)}`)
          .set(buyer.auth)
          .expect(200)
      ).body.isLate;
    expect(await isLate()).toBe(false);
    // Time moves on: the due date is now in the past.
    await t.sql.query(`UPDATE orders SET due_at = now() - interval '1 hour' WHERE id = $1`, [o.id]);
    expect(await isLate()).toBe(true);
    await patch(o.id, seller, 'IN_PROGRESS').expect(200);
    expect(await isLate()).toBe(true);
    await patch(o.id, seller, 'COMPLETED').expect(200);
    expect(await isLate()).toBe(false);
  });

  it('refuses DELIVERED on a DIRECT order, to the parties and to an admin', async () => {
    const o = await order((await anItem(t, seller)).id);
    await patch(o.id, seller, 'IN_PROGRESS').expect(200);
    expect((await patch(o.id, seller, 'DELIVERED').expect(409)).body).toMatchObject({
      code: 'ORDER_TRANSITION_NOT_ALLOWED',
    });
    expect((await patch(o.id, admin, 'DELIVERED').expect(409)).body).toMatchObject({
      code: 'ORDER_STATUS_NOT_IN_PROCESS',
    });
  });

  describe('a PROTECTED order, moved by the status PATCH', () => {
    let id: unknown;
    beforeEach(async () => {
      const item = (await anItem(t, seller, { process: 'PROTECTED', deliveryDays: 5 })) as {
        id: number;
      };
      id = (await order(item.id)).id;
      await patch(id, seller, 'IN_PROGRESS').expect(200);
    });

    it('tells a seller who tries to complete it to post a delivery', async () => {
      const res = await patch(id, seller, 'COMPLETED').expect(409);
      expect(res.body).toMatchObject({ code: 'ORDER_DELIVERY_REQUIRED' });
      expect(res.body.message).toMatch(/POST \/orders\/\{id\}\/deliveries/);
    });

    it('tells the buyer that it has not been delivered', async () => {
      expect((await patch(id, buyer, 'COMPLETED').expect(409)).body).toMatchObject({
        code: 'ORDER_NOT_DELIVERED',
      });
    });

    it('lets neither party cancel work in progress alone, until it is late: then the buyer may', async () => {
      for (const who of [buyer, seller]) {
        const res = await patch(id, who, 'CANCELLED').expect(409);
        expect(res.body).toMatchObject({ code: 'ORDER_CANCELLATION_REQUEST_REQUIRED' });
        expect(res.body.message).toMatch(/cancellation-requests/);
      }
      await t.sql.query(`UPDATE orders SET due_at = now() - interval '1 minute' WHERE id = $1`, [
        id,
      ]);
      expect((await patch(id, seller, 'CANCELLED').expect(409)).body).toMatchObject({
        code: 'ORDER_CANCELLATION_REQUEST_REQUIRED',
      });
      expect((await patch(id, buyer, 'CANCELLED').expect(200)).body).toMatchObject({
        status: 'CANCELLED',
      });
    });

    it('lets an admin set any of its statuses, DELIVERED included', async () => {
      expect((await patch(id, admin, 'DELIVERED').expect(200)).body).toMatchObject({
        status: 'DELIVERED',
      });
    });
  });
});
