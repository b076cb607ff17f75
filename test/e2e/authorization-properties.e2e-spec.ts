import { aUser, anAdmin, anItem, countRows, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

interface Attempt {
  who?: TestUser;
  path: string;
  body: Record<string, unknown>;
}

interface Target {
  /** The table a successful request writes to: a refused one must leave it as it was. */
  table: string;
  /** Who sends it and where; a new order (or the like) per call, so each attempt could succeed. */
  request(): Attempt | Promise<Attempt>;
  /** Fields the server decides, with the value an attacker would like them to have. */
  forged(): Record<string, unknown>;
  /** What the server decides instead, as the 201 of the same body without them shows. */
  decided(): Record<string, unknown>;
}

jest.setTimeout(30_000);

/** API3, mass assignment: a field the server decides cannot be set by the client. */
describe('authorization: properties a client may not set', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, admin: TestUser;
  let itemId: number;

  beforeAll(async () => {
    t = await startTestApp();
    [buyer, seller, admin] = await Promise.all([aUser(t, 'buyer'), aUser(t, 'seller'), anAdmin(t)]);
    itemId = (await anItem(t, seller, { basePrice: 90 })).id;
  });
  afterAll(() => t.close());

  const created = async (who: TestUser, path: string, body: object): Promise<number> =>
    (await t.http.post(path).set(who.auth).send(body).expect(201)).body.id;
  const anOrder = () => created(buyer, '/orders', { itemId, finalPrice: 90 });
  const aCompletedOrder = async () => {
    const id = await anOrder();
    for (const status of ['IN_PROGRESS', 'COMPLETED']) {
      await t.http.patch(`/orders/${id}/status?status=${status}`).set(seller.auth).expect(200);
    }
    return id;
  };
  let serial = 0;

  const TARGETS: Record<string, Target> = {
    'POST /orders': {
      table: 'orders',
      request: () => ({ who: buyer, path: '/orders', body: { itemId, finalPrice: 90 } }),
      forged: () => ({ buyerId: seller.id, sellerId: buyer.id, status: 'COMPLETED' }),
      decided: () => ({ buyerId: buyer.id, sellerId: seller.id, status: 'PENDING' }),
    },
    'POST /reviews': {
      table: 'reviews',
      request: async () => ({
        who: buyer,
        path: '/reviews',
        body: { orderId: await aCompletedOrder(), score: 5 },
      }),
      forged: () => ({ authorId: seller.id, reviewedUserId: buyer.id, authorUsername: 'x' }),
      decided: () => ({ authorId: buyer.id, reviewedUserId: seller.id }),
    },
    'POST /disputes': {
      table: 'disputes',
      request: async () => ({
        who: buyer,
        path: '/disputes',
        body: { orderId: await anOrder(), reason: 'Never delivered' },
      }),
      forged: () => ({ createdByUserId: seller.id, status: 'CLOSED', resolution: 'Refunded' }),
      decided: () => ({ createdByUserId: buyer.id, status: 'OPEN', resolution: null }),
    },
    'POST /users/register': {
      table: 'users',
      request: () => {
        const n = `${process.pid}_${++serial}`;
        const body = {
          email: `mass.${n}@example.com`,
          username: `mass_${n}`,
          password: '8 chars+',
        };
        return { path: '/users/register', body };
      },
      forged: () => ({ roles: ['ADMIN'], isActive: true, id: 1 }),
      decided: () => ({ roles: ['USER'], isActive: true }),
    },
    'POST /payments': {
      table: 'payments',
      request: async () => ({
        who: admin,
        path: '/payments',
        body: { orderId: await anOrder(), stripeTxId: `pi_mass_${++serial}`, totalAmount: 90 },
      }),
      forged: () => ({
        platformFee: 0,
        refundedAmount: 90,
        status: 'REFUNDED',
        needsReview: false,
        reviewReason: null,
      }),
      decided: () => ({
        platformFee: 9,
        refundedAmount: 0,
        status: 'SUCCEEDED',
        needsReview: false,
        reviewReason: null,
      }),
    },
    'POST /orders/{id}/messages': {
      table: 'order_messages',
      request: async () => ({
        who: buyer,
        path: `/orders/${await anOrder()}/messages`,
        body: { content: 'Here is the brief' },
      }),
      forged: () => ({ senderId: seller.id, orderId: 1, sentAt: '2020-01-01T00:00:00Z' }),
      decided: () => ({ senderId: buyer.id }),
    },
  };

  describe.each(Object.keys(TARGETS))('%s', (route) => {
    const target = TARGETS[route];

    it('refuses each server-decided field with a 400 that names it, and writes nothing', async () => {
      for (const [field, value] of Object.entries(target.forged())) {
        const { who, path, body } = await target.request();
        const before = await countRows(t, target.table);
        const res = await t.http
          .post(path)
          .set(who?.auth ?? {})
          .send({ ...body, [field]: value });
        expect({ field, status: res.status, message: res.body.message }).toEqual({
          field,
          status: 400,
          message: expect.arrayContaining([`property ${field} should not exist`]),
        });
        expect(await countRows(t, target.table)).toBe(before);
      }
    });

    it('accepts the same body without them, and decides those fields itself', async () => {
      const { who, path, body } = await target.request();
      const res = await t.http
        .post(path)
        .set(who?.auth ?? {})
        .send(body)
        .expect(201);
      expect(res.body).toMatchObject(target.decided());
    });
  });
});
