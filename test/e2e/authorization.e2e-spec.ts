import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { aUser, anAdmin, anItem, type TestUser } from '../support/factories';
import { declaredRoutes } from '../support/routes';
import { closeAllStreams, openStream } from '../support/sse';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  MATRIX,
  ROLES,
  type CellRequest,
  type Fixture,
  type Role,
  type SignedInRole,
} from './authorization-matrix';

const STRIPE_SECRET = `whsec_test_${randomBytes(16).toString('hex')}`;
const ROUTES = Object.keys(MATRIX);

interface Cell {
  route: string;
  role: Role;
  path: string;
  status: number;
  body: unknown;
}

/** Every key of every object in a JSON value, however deep. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
}

/** "GET /orders/{id}/events" -> a pattern its concrete paths match. */
const pathPattern = (route: string) =>
  new RegExp(`^${route.split(' ')[1].replace(/\{[^}]+\}/g, '[1-9][0-9]*')}(\\?.*)?$`);

jest.setTimeout(30_000);

/** API1, API5 and API3: who may call which route, and what the answers never show. */
describe('authorization: the route-by-route matrix', () => {
  let t: TestApp;
  let base: string;
  let users: Record<SignedInRole, TestUser>;
  /** Emails of every account the fixtures made, to look for in bodies where they do not belong. */
  const emails = new Set<string>();
  const cells: Cell[] = [];
  let serial = 0;

  beforeAll(async () => {
    t = await startTestApp({
      STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
      METRICS_ENABLED: 'true',
      METRICS_TOKEN: randomBytes(16).toString('hex'),
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const [stranger, buyer, seller, admin] = await Promise.all([
      aUser(t, 'stranger'),
      aUser(t, 'buyer'),
      aUser(t, 'seller'),
      anAdmin(t),
    ]);
    users = { stranger, buyer, seller, admin };
    for (const u of Object.values(users)) emails.add(u.email);
  });
  afterEach(() => closeAllStreams());
  afterAll(() => t.close());

  const created = async (who: TestUser, path: string, body: object): Promise<number> =>
    (await t.http.post(path).set(who.auth).send(body).expect(201)).body.id;
  const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= make());
  };

  /** A fixture whose parts are made on first use, by the users who would make them. */
  function aFixture(): Fixture {
    const { buyer, seller, admin } = users;
    const unique = () => `${randomBytes(3).toString('hex')}${++serial}`;
    const item = once(async () => (await anItem(t, seller, { basePrice: 40 })).id);
    const anOrder = async () => created(buyer, '/orders', { itemId: await item(), finalPrice: 40 });
    const order = once(anOrder);
    const completedOrder = once(async () => {
      const id = await anOrder();
      for (const status of ['IN_PROGRESS', 'COMPLETED']) {
        await t.http.patch(`/orders/${id}/status?status=${status}`).set(seller.auth).expect(200);
      }
      return id;
    });
    const venue = once(() => created(seller, '/venues', { name: 'Cellar', address: '2 Side St' }));
    return {
      users,
      unique,
      item,
      order,
      completedOrder,
      review: once(async () =>
        created(buyer, '/reviews', { orderId: await completedOrder(), score: 4, comment: 'Good' }),
      ),
      dispute: once(async () =>
        created(buyer, '/disputes', { orderId: await order(), reason: 'Late delivery' }),
      ),
      payment: once(async () =>
        created(admin, '/payments', {
          orderId: await order(),
          stripeTxId: `pi_${unique()}`,
          totalAmount: 40,
        }),
      ),
      venue,
      event: once(async () => {
        const venueId = await created(seller, '/venues', { name: 'Stage', address: '3 Side St' });
        const startDate = new Date(Date.now() + 86_400_000).toISOString();
        const endDate = new Date(Date.now() + 2 * 86_400_000).toISOString();
        return created(seller, '/events', { venueId, title: 'Gig', startDate, endDate });
      }),
      venueReview: once(async () =>
        created(buyer, '/venue-event-reviews', {
          targetId: await venue(),
          targetType: 'VENUE',
          score: 5,
        }),
      ),
      // Straight into the database, with the stranger's password hash: hashing is slow by
      // design, and nobody logs in as this user.
      someone: async () => {
        const u = unique();
        const { rows } = await t.sql.query(
          `INSERT INTO users (email, username, password_hash)
           SELECT $1, $2, password_hash FROM users WHERE id = $3 RETURNING id, email`,
          [`someone.${u}@example.com`, `someone_${u}`, users.stranger.id],
        );
        emails.add(rows[0].email);
        return rows[0];
      },
      stripeEvent: () => {
        const id = `evt_${unique()}`;
        const payload = JSON.stringify({ id, object: 'event', type: 'customer.created', data: {} });
        const signature = Stripe.webhooks.generateTestHeaderString({
          payload,
          secret: STRIPE_SECRET,
        });
        return { payload, signature };
      },
    };
  }

  /** Sends one cell's request as `role` and returns what came back. */
  async function call(method: string, req: CellRequest, role: Role) {
    const headers: Record<string, string> = { ...req.headers };
    if (role !== 'anonymous') headers.Authorization = `Bearer ${users[role].token}`;
    if (req.stream) {
      const s = await openStream(base + req.path, headers);
      s.close();
      return { status: s.status, body: s.status === 200 ? null : (JSON.parse(s.body) as unknown) };
    }
    const test = t.http[method.toLowerCase() as 'get'](req.path).set(headers);
    const res = await (req.raw !== undefined
      ? test.set('Content-Type', 'application/json').send(req.raw)
      : req.body
        ? test.send(req.body)
        : test);
    return { status: res.status, body: res.body as unknown };
  }

  it('has a row for every route the app registers, and none for a route it does not', () => {
    const declared = declaredRoutes(t.app).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect({
      missingFromMatrix: declared.filter((r) => !ROUTES.includes(r)).sort(),
      notInApp: ROUTES.filter((r) => !declared.includes(r)).sort(),
    }).toEqual({ missingFromMatrix: [], notInApp: [] });
    expect(declared).toHaveLength(ROUTES.length);
  });

  it(`gives each of ${ROLES.length} callers the expected status on each of ${ROUTES.length} routes (${ROLES.length * ROUTES.length} cells)`, async () => {
    const shared = aFixture();
    const wrong: object[] = [];
    for (const route of ROUTES) {
      const row = MATRIX[route];
      const method = route.split(' ')[0];
      // The five callers of a row go at once; a writing row gives each its own fixture.
      await Promise.all(
        ROLES.map(async (role, i) => {
          const built = await row.request(row.writes ? aFixture() : shared, role);
          const req = typeof built === 'string' ? { path: built } : built;
          expect({ route, path: req.path }).toEqual({
            route,
            path: expect.stringMatching(pathPattern(route)),
          });
          const { status, body } = await call(method, req, role);
          cells.push({ route, role, path: req.path, status, body });
          if (status !== row.expect[i]) {
            wrong.push({ route, role, expected: row.expect[i], got: status, body });
          }
          if (status >= 400) expect(body).toMatchObject({ statusCode: status });
        }),
      );
    }
    expect(wrong).toEqual([]);
    expect(cells).toHaveLength(ROLES.length * ROUTES.length);
  });

  it('never answers with a password hash, or with an email other than the caller’s, in any cell', () => {
    expect(cells).toHaveLength(ROLES.length * ROUTES.length);
    const leaks: object[] = [];
    for (const { route, role, status, body } of cells) {
      const text = JSON.stringify(body) ?? '';
      const passwordKeys = keysOf(body).filter((k) => /^password(_?hash)?$/i.test(k));
      if (passwordKeys.length || text.includes('$argon2')) {
        leaks.push({ route, role, passwordKeys });
      }
      if (MATRIX[route].showsEmails) continue;
      const own = role === 'anonymous' ? undefined : users[role].email;
      const foreign = [...emails].filter((e) => e !== own && text.includes(e));
      if (foreign.length) leaks.push({ route, role, status, foreign });
    }
    expect(leaks).toEqual([]);

    // The sweep saw what it is about: bodies naming other users, and the caller's own email.
    const okBody = (route: string, role: Role) =>
      cells.find((c) => c.route === route && c.role === role && c.status < 300)?.body;
    expect(okBody('GET /reviews/user/{userId}', 'anonymous')).toContainEqual(
      expect.objectContaining({ authorUsername: users.buyer.username }),
    );
    expect(okBody('GET /disputes/{id}', 'seller')).toMatchObject({
      createdByUsername: users.buyer.username,
    });
    expect(okBody('GET /orders/{id}', 'seller')).toMatchObject({ buyerId: users.buyer.id });
    expect(okBody('GET /users/me', 'buyer')).toMatchObject({ email: users.buyer.email });
    expect(JSON.stringify(okBody('GET /users', 'admin'))).toContain(users.seller.email);
  });
});
