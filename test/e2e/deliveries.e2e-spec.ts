import { aCast, anItem, countRows, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;
type Order = Record<string, unknown> & { id: number };

/** PROTECTED orders: the seller delivers, the buyer accepts or asks for changes. */
describe('deliveries and revision requests', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    ({ buyer, seller, stranger, admin } = await aCast(t));
  });
  afterAll(() => t.close());

  const patch = (id: number, who: TestUser, status: string) =>
    t.http.patch(`/orders/${id}/status?status=${status}`).set(who.auth);
  const read = async (id: number): Promise<Order> =>
    (await t.http.get(`/orders/${id}`).set(buyer.auth).expect(200)).body;
  /** A PROTECTED order the seller has started. */
  const inProgress = async (fields: object = {}): Promise<number> => {
    const item = await anItem(t, seller, { process: 'PROTECTED', ...fields });
    const id = (await t.http.post('/orders').set(buyer.auth).send({ itemId: item.id }).expect(201))
      .body.id as number;
    await patch(id, seller, 'IN_PROGRESS').expect(200);
    return id;
  };
  const deliver = (id: number, who = seller, message = 'Files attached') =>
    t.http.post(`/orders/${id}/deliveries`).set(who.auth).send({ message });
  const revise = (id: number, who = buyer, reason = 'Darker, please') =>
    t.http.post(`/orders/${id}/revision-requests`).set(who.auth).send({ reason });
  const history = async (id: number) =>
    (await t.http.get(`/orders/${id}/history`).set(buyer.auth).expect(200)).body as {
      status: string;
      changedByUserId: number;
    }[];

  it('delivers: DELIVERED, deliveredAt, autoCompleteAt after the marketplace default, history and list', async () => {
    const id = await inProgress();
    const res = await deliver(id, seller, '  Cover, three sizes  ').expect(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      orderId: id,
      message: 'Cover, three sizes',
      createdAt: expect.any(String),
    });
    const order = await read(id);
    expect(order).toMatchObject({ status: 'DELIVERED', isLate: false });
    const deliveredAt = Date.parse(order.deliveredAt as string);
    expect(Date.parse(order.autoCompleteAt as string) - deliveredAt).toBe(3 * DAY_MS);
    expect((await history(id)).at(-1)).toMatchObject({
      status: 'DELIVERED',
      changedByUserId: seller.id,
    });
    for (const who of [buyer, seller, admin]) {
      const list = await t.http.get(`/orders/${id}/deliveries`).set(who.auth).expect(200);
      expect(list.body).toEqual([res.body]);
    }
    await t.http.get(`/orders/${id}/deliveries`).set(stranger.auth).expect(403);
  });

  it('the buyer accepts a delivery; the seller cannot accept it for them', async () => {
    const id = await inProgress();
    await deliver(id).expect(201);
    expect((await patch(id, seller, 'COMPLETED').expect(403)).body).toMatchObject({
      code: 'ORDER_ACCEPTANCE_BY_BUYER',
    });
    expect((await patch(id, buyer, 'COMPLETED').expect(200)).body).toMatchObject({
      status: 'COMPLETED',
    });
  });

  it('a revision request sends it back and uses a revision; none left is 409 and writes nothing', async () => {
    const id = await inProgress({ revisionsIncluded: 1 });
    await deliver(id).expect(201);
    const res = await revise(id, buyer, ' Larger title ').expect(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      orderId: id,
      reason: 'Larger title',
      createdAt: expect.any(String),
    });
    expect(await read(id)).toMatchObject({
      status: 'IN_PROGRESS',
      revisionsLeft: 0,
      autoCompleteAt: null,
    });
    const list = await t.http.get(`/orders/${id}/revision-requests`).set(seller.auth).expect(200);
    expect(list.body).toEqual([res.body]);

    await deliver(id, seller, 'Second draft').expect(201);
    const before = await countRows(t, 'order_revision_requests');
    const refused = await revise(id).expect(409);
    expect(refused.body).toMatchObject({ code: 'ORDER_REVISIONS_EXHAUSTED' });
    expect(refused.body.message).toMatch(/no revisions left/);
    expect(await countRows(t, 'order_revision_requests')).toBe(before);
    expect(await read(id)).toMatchObject({ status: 'DELIVERED' });
  });

  it('refuses the wrong party with 403 and writes nothing', async () => {
    const id = await inProgress();
    const before = await countRows(t, 'order_deliveries');
    expect((await deliver(id, buyer).expect(403)).body).toMatchObject({
      code: 'ORDER_TRANSITION_FORBIDDEN',
    });
    expect((await deliver(id, admin).expect(403)).body).toMatchObject({
      code: 'ORDER_PARTY_REQUIRED',
    });
    expect(await countRows(t, 'order_deliveries')).toBe(before);
    await deliver(id).expect(201);
    expect((await revise(id, seller).expect(403)).body).toMatchObject({
      code: 'ORDER_TRANSITION_FORBIDDEN',
    });
  });

  it('refuses a delivery on a DIRECT order, on a PENDING one and on a delivered one', async () => {
    const direct = (
      await t.http
        .post('/orders')
        .set(buyer.auth)
        .send({ itemId: (await anItem(t, seller)).id })
        .expect(201)
    ).body.id as number;
    await patch(direct, seller, 'IN_PROGRESS').expect(200);
    const pending = (
      await t.http
        .post('/orders')
        .set(buyer.auth)
        .send({ itemId: (await anItem(t, seller, { process: 'PROTECTED' })).id })
        .expect(201)
    ).body.id as number;
    const delivered = await inProgress();
    await deliver(delivered).expect(201);
    const before = await countRows(t, 'order_deliveries');
    for (const [id, code] of [
      [direct, 'ORDER_TRANSITION_NOT_ALLOWED'],
      [pending, 'ORDER_TRANSITION_NOT_ALLOWED'],
      [delivered, 'ORDER_ALREADY_IN_STATUS'],
    ] as const) {
      expect({ id, body: (await deliver(id).expect(409)).body as object }).toMatchObject({
        id,
        body: { code },
      });
    }
    expect(await countRows(t, 'order_deliveries')).toBe(before);
  });

  it('refuses an empty message or reason (400)', async () => {
    const id = await inProgress();
    expect((await deliver(id, seller, '   ').expect(400)).body).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await deliver(id).expect(201);
    expect((await revise(id, buyer, '').expect(400)).body).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('of two deliveries at once, one applies', async () => {
    const id = await inProgress();
    const statuses = (await Promise.all([deliver(id), deliver(id), deliver(id)])).map(
      (r) => r.status,
    );
    expect(statuses.sort()).toEqual([201, 409, 409]);
    expect((await t.http.get(`/orders/${id}/deliveries`).set(buyer.auth)).body).toHaveLength(1);
    expect((await history(id)).filter((h) => h.status === 'DELIVERED')).toHaveLength(1);
  });
});
