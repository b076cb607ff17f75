import type { Response } from 'supertest';
import { aUser, anAdmin, anItem, countRows, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Limits count in fixed windows (a minute, an hour). A test that straddled the end of one would
 * see its counter reset halfway, so it first waits out a window that is about to end.
 */
async function awayFromWindowEdge(windowMs: number, marginMs = 5_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginMs) await sleep(left + 100);
}

/** A 429 in the documented shape, with Retry-After a whole number of seconds in 1..max. */
function expectThrottled(res: Response, maxSeconds: number): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({
    statusCode: 429,
    error: 'Too Many Requests',
    message: expect.stringMatching(/try again in \d+ seconds?/),
  });
  expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(maxSeconds);
}

const login = (t: TestApp, email: string, password: string) =>
  t.http.post('/users/login').send({ email, password });

// Boots several apps and may wait out the end of a rate-limit window.
jest.setTimeout(30_000);

describe('rate limits and resource consumption', () => {
  describe('login, per account (RATE_LIMIT_LOGIN_PER_ACCOUNT=3)', () => {
    let t: TestApp;
    let victim: TestUser, bystander: TestUser;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_LOGIN_PER_ACCOUNT: '3' });
      [victim, bystander] = await Promise.all([aUser(t, 'victim'), aUser(t, 'bystander')]);
    });
    afterAll(() => t.close());

    it('throttles the 4th attempt on one email, whatever its case or the password sent', async () => {
      await awayFromWindowEdge(MINUTE);
      const spellings = [victim.email, victim.email.toUpperCase(), `  ${victim.email}  `];
      expect((await login(t, spellings[0], 'wrong-password-1')).status).toBe(401);
      expect((await login(t, spellings[1], 'wrong-password-2')).status).toBe(401);
      expect((await login(t, spellings[2], victim.password)).status).toBe(200);
      for (const email of [...spellings, victim.email.replace(/^./, (c) => c.toUpperCase())]) {
        expectThrottled(await login(t, email, 'wrong-password-3'), 60);
      }
      // Even the right password waits: the limit is what stops a guesser.
      expectThrottled(await login(t, victim.email, victim.password), 60);
    });

    it('leaves other accounts alone', async () => {
      await awayFromWindowEdge(MINUTE);
      expect((await login(t, bystander.email, bystander.password)).status).toBe(200);
    });
  });

  describe('login, per IP across accounts (RATE_LIMIT_LOGIN_PER_IP=4)', () => {
    let t: TestApp;
    let users: TestUser[];
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_LOGIN_PER_IP: '4' });
      users = await Promise.all([aUser(t), aUser(t), aUser(t)]);
    });
    afterAll(() => t.close());

    it('throttles the 5th login from one address, to any account, and ignores X-Forwarded-For', async () => {
      await awayFromWindowEdge(MINUTE);
      expect((await login(t, users[0].email, users[0].password)).status).toBe(200);
      expect((await login(t, users[1].email, 'not-the-password')).status).toBe(401);
      expect((await login(t, 'nobody.1@example.com', 'whatever-123')).status).toBe(401);
      expect((await login(t, 'nobody.2@example.com', 'whatever-123')).status).toBe(401);
      expectThrottled(await login(t, users[2].email, users[2].password), 60);
      expectThrottled(await login(t, 'nobody.3@example.com', 'whatever-123'), 60);
      // A client cannot pick another address for itself.
      const spoofed = await login(t, users[2].email, users[2].password).set(
        'X-Forwarded-For',
        '203.0.113.7',
      );
      expectThrottled(spoofed, 60);
    });
  });

  describe('register, per IP (RATE_LIMIT_REGISTER_PER_IP=3), with BODY_LIMIT_BYTES=2048', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_REGISTER_PER_IP: '3', BODY_LIMIT_BYTES: '2048' });
    });
    afterAll(() => t.close());

    it('throttles the 4th registration in the hour and creates no account for it', async () => {
      await awayFromWindowEdge(HOUR);
      for (let i = 0; i < 3; i++) await aUser(t, `reg${i}`);
      const before = await countRows(t, 'users');
      const res = await t.http
        .post('/users/register')
        .send({ email: 'late@example.com', username: 'late_one', password: 'long-password-1' });
      expectThrottled(res, 3600);
      expect(await countRows(t, 'users')).toBe(before);
      const { rows } = await t.sql.query(`SELECT 1 FROM users WHERE email = 'late@example.com'`);
      expect(rows).toHaveLength(0);
    });

    it('refuses a body over BODY_LIMIT_BYTES with 413 before anything else reads it', async () => {
      const before = await countRows(t, 'users');
      const huge = await login(t, 'someone@example.com', 'p'.repeat(2100));
      expect(huge.status).toBe(413);
      expect(huge.body).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        code: 'BODY_TOO_LARGE',
        message: expect.stringMatching(/body is too large/i),
        requestId: expect.any(String),
      });
      // Not 429 (the quota above is spent) nor 400: the body is refused before it is parsed.
      const res = await t.http
        .post('/users/register')
        .send({ email: 'big@example.com', username: 'big_one', password: 'p'.repeat(2100) });
      expect(res.status).toBe(413);
      expect(await countRows(t, 'users')).toBe(before);
    });
  });

  describe('message floods (RATE_LIMIT_MESSAGES_PER_THREAD=5)', () => {
    let t: TestApp;
    let buyer: TestUser, seller: TestUser, admin: TestUser;
    let itemId: number;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_MESSAGES_PER_THREAD: '5' });
      [buyer, seller, admin] = await Promise.all([
        aUser(t, 'buyer'),
        aUser(t, 'seller'),
        anAdmin(t),
      ]);
      itemId = (await anItem(t, seller)).id;
    });
    afterAll(() => t.close());

    const newOrder = async (): Promise<number> =>
      (await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice: 30 }).expect(201))
        .body.id;
    const say = (orderId: number, who: TestUser, content = 'ping') =>
      t.http.post(`/orders/${orderId}/messages`).set(who.auth).send({ content });
    const sentBy = async (orderId: number, who: TestUser): Promise<number> =>
      (
        await t.sql.query(
          'SELECT count(*)::int AS n FROM order_messages WHERE order_id = $1 AND sender_id = $2',
          [orderId, who.id],
        )
      ).rows[0].n;

    it('throttles one user on one thread, not on another thread, and not the other party', async () => {
      const [a, b] = [await newOrder(), await newOrder()];
      await awayFromWindowEdge(MINUTE);
      for (let i = 0; i < 5; i++) expect((await say(a, buyer, `m${i}`)).status).toBe(201);
      for (let i = 0; i < 3; i++) expectThrottled(await say(a, buyer, 'flood'), 60);
      expect(await sentBy(a, buyer)).toBe(5);

      expect((await say(b, buyer, 'other thread')).status).toBe(201);
      expect((await say(a, seller, 'the other party')).status).toBe(201);
      expect(await sentBy(b, buyer)).toBe(1);
      expect(await sentBy(a, seller)).toBe(1);
    });

    it('throttles a dispute thread the same way, and still lets the admin speak', async () => {
      const orderId = await newOrder();
      const dispute = await t.http
        .post('/disputes')
        .set(buyer.auth)
        .send({ orderId, reason: 'Late delivery' })
        .expect(201);
      const argue = (who: TestUser) =>
        t.http.post(`/disputes/${dispute.body.id}/messages`).set(who.auth).send({ message: 'x' });
      await awayFromWindowEdge(MINUTE);
      for (let i = 0; i < 5; i++) expect((await argue(buyer)).status).toBe(201);
      expectThrottled(await argue(buyer), 60);
      expect((await argue(admin)).status).toBe(201);
      expect((await argue(seller)).status).toBe(201);
    });

    it('refuses a body over the default 1 MiB limit with 413, writing nothing', async () => {
      const orderId = await newOrder();
      const res = await say(orderId, seller, 'x'.repeat(1024 * 1024 + 1));
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
      expect(await countRows(t, `order_messages WHERE order_id = ${orderId}`)).toBe(0);
    });

    describe('list sizes are capped at 200', () => {
      let orderId: number;
      beforeAll(async () => {
        orderId = await newOrder();
        await t.sql.query(
          `INSERT INTO order_messages (order_id, sender_id, content)
           SELECT $1, $2, 'bulk ' || g FROM generate_series(1, 205) g`,
          [orderId, buyer.id],
        );
        await t.sql.query(
          `INSERT INTO items (creator_id, title, item_type)
           SELECT $1, 'bulk ' || g, 'DIGITAL' FROM generate_series(1, 205) g`,
          [seller.id],
        );
      });

      it('limit=200 returns 200 rows and a next cursor; no limit returns 50', async () => {
        for (const path of [`/orders/${orderId}/messages`, `/items?creatorId=${seller.id}`]) {
          const sep = path.includes('?') ? '&' : '?';
          const full = await t.http.get(`${path}${sep}limit=200`).set(buyer.auth).expect(200);
          expect(full.body).toHaveLength(200);
          expect(full.headers['x-next-cursor']).toEqual(expect.any(String));
          const plain = await t.http.get(path).set(buyer.auth).expect(200);
          expect(plain.body).toHaveLength(50);
        }
      });

      it.each([
        '/items',
        '/orders',
        '/orders/{order}/messages',
        '/orders/{order}/history',
        '/reviews/user/{seller}',
        '/disputes/user/my-disputes',
        '/users',
      ])('%s: limit=201 is 400, limit=200 is fine', async (route) => {
        const path = route.replace('{order}', String(orderId)).replace('{seller}', `${seller.id}`);
        const res = await t.http.get(`${path}?limit=201`).set(admin.auth);
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.message)).toMatch(
          /limit must be an integer between 1 and 200/,
        );
        await t.http.get(`${path}?limit=200`).set(admin.auth).expect(200);
      });
    });
  });

  // Production shares the counters without being told to (RATE_LIMIT_STORE's default there).
  describe.each([
    ['RATE_LIMIT_STORE=postgres', { RATE_LIMIT_STORE: 'postgres' }],
    ['NODE_ENV=production, RATE_LIMIT_STORE unset', { NODE_ENV: 'production' }],
  ])('%s: two instances on one database', (_name, store: Record<string, string>) => {
    const env = { ...store, RATE_LIMIT_LOGIN_PER_ACCOUNT: '4' };
    let a: TestApp, b: TestApp;
    let user: TestUser;
    beforeAll(async () => {
      a = await startTestApp(env);
      b = await startTestApp(env, { databaseUrl: a.url });
      user = await aUser(a);
    });
    afterAll(async () => {
      await b.close();
      await a.close();
    });

    it('share the counters: attempts on either count against both', async () => {
      await awayFromWindowEdge(MINUTE);
      for (const [i, app] of [a, b, a, b].entries()) {
        expect((await login(app, user.email, `wrong-${i}-password`)).status).toBe(401);
      }
      expectThrottled(await login(a, user.email, user.password), 60);
      expectThrottled(await login(b, user.email.toUpperCase(), user.password), 60);
      const { rows } = await a.sql.query('SELECT hits FROM rate_limits WHERE key = $1', [
        `login-account:${user.email}`,
      ]);
      expect(rows).toEqual([{ hits: 6 }]);
    });
  });
});
