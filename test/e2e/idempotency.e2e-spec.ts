import { randomUUID } from 'node:crypto';
import { aUser, anItem, countRows, type TestUser } from '../support/factories';
import { lockWaiters } from '../support/races';
import { startTestApp, type TestApp } from '../support/test-app';

const MISSING_ID = 2_147_483_647;

/** One POST that creates a row: where it goes, what it sends, and a body that differs. */
interface CreateCase {
  name: string;
  table: string;
  prepare(): Promise<{ path: string; who: TestUser; body: object; otherBody: object }>;
}

// The hooks boot an app and register users, slow on a busy machine.
jest.setTimeout(30_000);

/** Idempotency-Key on the creating POSTs (Stripe's semantics, IETF idempotency-key draft). */
describe('Idempotency-Key', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, other: TestUser;
  let itemId: number;

  beforeAll(async () => {
    t = await startTestApp();
    [buyer, seller, other] = await Promise.all([
      aUser(t, 'buyer'),
      aUser(t, 'seller'),
      aUser(t, 'other'),
    ]);
    itemId = (await anItem(t, seller, { basePrice: 40 })).id;
  });
  afterAll(() => t.close());

  const send = (path: string, who: TestUser, key: string | null, body: object) => {
    const req = t.http.post(path).set(who.auth);
    if (key !== null) void req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const newOrder = async (who = buyer): Promise<number> =>
    (await send('/orders', who, null, { itemId, finalPrice: 40 }).expect(201)).body.id;
  const complete = async (orderId: number) => {
    for (const status of ['IN_PROGRESS', 'COMPLETED']) {
      await t.http.patch(`/orders/${orderId}/status?status=${status}`).set(seller.auth).expect(200);
    }
  };
  const storedKeys = async (who: TestUser, key: string): Promise<number> =>
    (
      await t.sql.query(
        'SELECT count(*)::int AS n FROM idempotency_keys WHERE user_id = $1 AND key = $2',
        [who.id, key],
      )
    ).rows[0].n;

  const CASES: CreateCase[] = [
    {
      name: 'POST /items',
      table: 'items',
      prepare: () =>
        Promise.resolve({
          path: '/items',
          who: seller,
          body: { title: 'Tour poster', basePrice: 90, itemType: 'PRODUCT' },
          otherBody: { title: 'Tour poster', basePrice: 95, itemType: 'PRODUCT' },
        }),
    },
    {
      name: 'POST /orders',
      table: 'orders',
      prepare: () =>
        Promise.resolve({
          path: '/orders',
          who: buyer,
          body: { itemId, finalPrice: 55.5 },
          otherBody: { itemId, finalPrice: 56 },
        }),
    },
    {
      name: 'POST /orders/{id}/messages',
      table: 'order_messages',
      prepare: async () => ({
        path: `/orders/${await newOrder()}/messages`,
        who: buyer,
        body: { content: 'Sketches attached' },
        otherBody: { content: 'Sketches attached!' },
      }),
    },
    {
      name: 'POST /disputes',
      table: 'disputes',
      prepare: async () => {
        const orderId = await newOrder();
        return {
          path: '/disputes',
          who: buyer,
          body: { orderId, reason: 'Never delivered' },
          otherBody: { orderId, reason: 'Wrong size' },
        };
      },
    },
    {
      name: 'POST /reviews',
      table: 'reviews',
      prepare: async () => {
        const orderId = await newOrder();
        await complete(orderId);
        return {
          path: '/reviews',
          who: buyer,
          body: { orderId, score: 5, comment: 'Lovely work' },
          otherBody: { orderId, score: 4, comment: 'Lovely work' },
        };
      },
    },
  ];

  describe.each(CASES)('$name', (c) => {
    it('replays the first response for the same key and body, writing one row', async () => {
      const { path, who, body } = await c.prepare();
      const key = randomUUID();
      const before = await countRows(t, c.table);
      const first = await send(path, who, key, body).expect(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      for (let i = 0; i < 2; i++) {
        const again = await send(path, who, key, body).expect(201);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.body).toEqual(first.body);
      }
      expect(await countRows(t, c.table)).toBe(before + 1);
    });

    it('refuses the same key with another body (422), writing nothing', async () => {
      const { path, who, body, otherBody } = await c.prepare();
      const key = randomUUID();
      const first = await send(path, who, key, body).expect(201);
      const before = await countRows(t, c.table);
      const res = await send(path, who, key, otherBody).expect(422);
      expect(res.body).toMatchObject({ statusCode: 422, message: expect.stringMatching(/key/i) });
      expect(await countRows(t, c.table)).toBe(before);
      // The key still holds the first response.
      expect((await send(path, who, key, body).expect(201)).body).toEqual(first.body);
    });
  });

  it('replays whatever the order of the fields in the body', async () => {
    const key = randomUUID();
    const first = await send('/orders', buyer, key, { itemId, finalPrice: 61 }).expect(201);
    const again = await send('/orders', buyer, key, { finalPrice: 61, itemId }).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('replays the status too: a 200 route replays 200', async () => {
    const orderId = await newOrder();
    const key = randomUUID();
    const first = await send(`/orders/${orderId}/messages/read`, buyer, key, {}).expect(200);
    const again = await send(`/orders/${orderId}/messages/read`, buyer, key, {}).expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('refuses the same key on another route (422)', async () => {
    const key = randomUUID();
    await send('/items', seller, key, { title: 'Zine', itemType: 'DIGITAL' }).expect(201);
    const before = await countRows(t, 'orders');
    await send('/orders', seller, key, { itemId: 1, finalPrice: 10 }).expect(422);
    expect(await countRows(t, 'orders')).toBe(before);
  });

  it('answers 409 while the first request with the key is still running, then replays it', async () => {
    const key = randomUUID();
    const body = { itemId, finalPrice: 70 };
    const before = await countRows(t, 'orders');
    // The order's INSERT share-locks its listing; holding the row makes the first request wait.
    const gate = await t.sql.connect();
    let first: Promise<{ status: number; body: { id: number } }>;
    try {
      await gate.query('BEGIN');
      await gate.query('SELECT 1 FROM items WHERE id = $1 FOR UPDATE', [itemId]);
      first = Promise.resolve(send('/orders', buyer, key, body));
      await lockWaiters(t, gate, 1);
      const second = await send('/orders', buyer, key, body).expect(409);
      expect(second.body.message).toMatch(/still being processed/);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      // Another body with the running key is still a mismatch, not a wait.
      await send('/orders', buyer, key, { itemId, finalPrice: 71 }).expect(422);
    } finally {
      await gate.query('ROLLBACK');
      gate.release();
    }
    const done = await first;
    expect(done.status).toBe(201);
    const replay = await send('/orders', buyer, key, body).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(done.body);
    expect(await countRows(t, 'orders')).toBe(before + 1);
  });

  it('scopes keys to the user: another user with the same key gets a fresh result', async () => {
    const key = randomUUID();
    const body = { itemId, finalPrice: 33 };
    const mine = await send('/orders', buyer, key, body).expect(201);
    const theirs = await send('/orders', other, key, body).expect(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.buyerId).toBe(other.id);
    const replay = await send('/orders', buyer, key, body).expect(201);
    expect(replay.body).toEqual(mine.body);
    // Another user's key does not clash with this one's different body either.
    await send('/orders', other, key, { itemId, finalPrice: 34 }).expect(422);
  });

  it('keeps a key 24 hours, after which it can be used anew', async () => {
    const key = randomUUID();
    const age = (hours: number) =>
      t.sql.query(
        `UPDATE idempotency_keys SET created_at = now() - make_interval(hours => $3)
         WHERE user_id = $1 AND key = $2`,
        [seller.id, key, hours],
      );
    const body = { title: 'Mural', itemType: 'SERVICE' };
    const otherBody = { title: 'Mural, large', itemType: 'SERVICE' };
    const first = await send('/items', seller, key, body).expect(201);

    await age(23);
    const replay = await send('/items', seller, key, body).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    await send('/items', seller, key, otherBody).expect(422);

    await age(25);
    const before = await countRows(t, 'items');
    const fresh = await send('/items', seller, key, otherBody).expect(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(fresh.body.id).not.toBe(first.body.id);
    expect(fresh.body.title).toBe('Mural, large');
    expect(await countRows(t, 'items')).toBe(before + 1);
    // From now on the key holds the new response.
    expect((await send('/items', seller, key, otherBody).expect(201)).body).toEqual(fresh.body);
  });

  describe('a request that fails keeps no key', () => {
    it('400: the same key then works for the corrected request', async () => {
      const key = randomUUID();
      await send('/items', seller, key, { title: '', itemType: 'SERVICE' }).expect(400);
      expect(await storedKeys(seller, key)).toBe(0);
      const fixed = await send('/items', seller, key, { title: 'Logo', itemType: 'SERVICE' });
      expect(fixed.status).toBe(201);
      expect(fixed.headers['idempotent-replayed']).toBeUndefined();
    });

    it('404: retried as it is, it runs again; corrected, it creates', async () => {
      const key = randomUUID();
      const missing = { itemId: MISSING_ID, finalPrice: 10 };
      for (let i = 0; i < 2; i++) {
        const res = await send('/orders', buyer, key, missing).expect(404);
        expect(res.headers['idempotent-replayed']).toBeUndefined();
        expect(await storedKeys(buyer, key)).toBe(0);
      }
      const before = await countRows(t, 'orders');
      await send('/orders', buyer, key, { itemId, finalPrice: 10 }).expect(201);
      expect(await countRows(t, 'orders')).toBe(before + 1);
    });

    it('409: once the state allows it, the same request with the same key succeeds', async () => {
      const orderId = await newOrder();
      const key = randomUUID();
      const body = { orderId, score: 4 };
      await send('/reviews', buyer, key, body).expect(409); // order not COMPLETED yet
      expect(await storedKeys(buyer, key)).toBe(0);
      await complete(orderId);
      const res = await send('/reviews', buyer, key, body).expect(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(res.body).toMatchObject({ orderId, score: 4, authorId: buyer.id });
    });

    it('403: a refused request keeps no key either', async () => {
      const orderId = await newOrder();
      const key = randomUUID();
      await send(`/orders/${orderId}/messages`, other, key, { content: 'hi' }).expect(403);
      expect(await storedKeys(other, key)).toBe(0);
    });
  });

  describe('a malformed key is 400 and nothing is written', () => {
    it.each([
      ['empty', ''],
      ['256 characters', 'k'.repeat(256)],
      ['Latin-1 letters', 'clé-é'],
      ['UTF-8 Cyrillic', Buffer.from('ключ-1', 'utf8').toString('latin1')],
      ['a space', 'two words'],
    ])('%s', async (_name, key) => {
      const [orders, keys] = [await countRows(t, 'orders'), await countRows(t, 'idempotency_keys')];
      const res = await send('/orders', buyer, key, { itemId, finalPrice: 12 }).expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        message: expect.stringMatching(/Idempotency-Key/),
      });
      expect(await countRows(t, 'orders')).toBe(orders);
      expect(await countRows(t, 'idempotency_keys')).toBe(keys);
    });

    it('accepts 255 visible ASCII characters', async () => {
      const key = '~!'.repeat(127) + 'Z';
      expect(key).toHaveLength(255);
      const first = await send('/orders', buyer, key, { itemId, finalPrice: 13 }).expect(201);
      const again = await send('/orders', buyer, key, { itemId, finalPrice: 13 }).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
    });
  });

  it('without a key, the same request creates twice (the key is what makes retries safe)', async () => {
    const before = await countRows(t, 'orders');
    const a = await send('/orders', buyer, null, { itemId, finalPrice: 20 }).expect(201);
    const b = await send('/orders', buyer, null, { itemId, finalPrice: 20 }).expect(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(await countRows(t, 'orders')).toBe(before + 2);
  });
});
