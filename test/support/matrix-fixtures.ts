import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { CellRequest, Fixture, Role, SignedInRole } from '../e2e/authorization-matrix';
import { anAdmin, anItem, aUser, type TestUser } from './factories';
import { openStream } from './sse';
import { startTestApp, type TestApp } from './test-app';

export interface MatrixApp {
  t: TestApp;
  /** The app listens on a port of its own, for streams and fetch: http://127.0.0.1:port */
  base: string;
  users: Record<SignedInRole, TestUser>;
  metricsToken: string;
  /** A new fixture: every part made again on first use. */
  aFixture: () => Fixture;
}

export interface Answer {
  status: number;
  /** Parsed when the response is JSON, the text otherwise, undefined when empty. */
  body: unknown;
}

/** One request over real HTTP with fetch, as a browser client sends it. */
export async function fetchAnswer(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  const json = /^application\/json/.test(res.headers.get('content-type') ?? '');
  return { status: res.status, body: json ? (JSON.parse(text) as unknown) : text || undefined };
}

/**
 * Sends a matrix cell's request as `role`. `extra` headers go on top of the cell's; `body`, when
 * given, replaces the cell's own (a body-less cell sends none unless told). A stream answers
 * with its status, and its body when refused.
 */
export async function callCell(
  m: MatrixApp,
  method: string,
  req: CellRequest,
  role: Role,
  extra: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...req.headers };
  if (role !== 'anonymous') headers.Authorization = `Bearer ${(req.as ?? m.users[role]).token}`;
  const own = req.raw ?? (req.body ? JSON.stringify(req.body) : undefined);
  if (own !== undefined) headers['Content-Type'] = 'application/json';
  Object.assign(headers, extra.headers);
  if (req.stream) {
    const s = await openStream(m.base + req.path, headers);
    s.close();
    return { status: s.status, body: s.status === 200 ? null : (JSON.parse(s.body) as unknown) };
  }
  return fetchAnswer(m.base + req.path, method, headers, extra.body ?? own);
}

/**
 * The app every matrix route can be called on (webhooks signed, metrics on), its four signed-in
 * callers, and their fixtures.
 */
export async function startMatrixApp(onAccount?: (email: string) => void): Promise<MatrixApp> {
  const stripeSecret = `whsec_test_${randomBytes(16).toString('hex')}`;
  const metricsToken = randomBytes(16).toString('hex');
  const t = await startTestApp({
    STRIPE_WEBHOOK_SECRET: stripeSecret,
    METRICS_ENABLED: 'true',
    METRICS_TOKEN: metricsToken,
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  const [stranger, buyer, seller, admin] = await Promise.all([
    aUser(t, 'stranger'),
    aUser(t, 'buyer'),
    aUser(t, 'seller'),
    anAdmin(t),
  ]);
  const users = { stranger, buyer, seller, admin };
  for (const u of Object.values(users)) onAccount?.(u.email);
  return {
    t,
    base,
    users,
    metricsToken,
    aFixture: matrixFixtures(t, users, { stripeSecret, onAccount }),
  };
}

export interface FixtureOptions {
  /** The webhook secret the app was started with, to sign stripeEvent(). */
  stripeSecret: string;
  /** Told of every account a fixture makes, so that tests can look for its email. */
  onAccount?(email: string): void;
}

/**
 * Makes the fixtures of the authorization matrix (test/e2e/authorization-matrix.ts): each part
 * is made on first use, through the API, by the user who would make it.
 */
export function matrixFixtures(
  t: TestApp,
  users: Record<SignedInRole, TestUser>,
  options: FixtureOptions,
): () => Fixture {
  let serial = 0;
  const created = async (who: TestUser, path: string, body: object): Promise<number> =>
    (await t.http.post(path).set(who.auth).send(body).expect(201)).body.id;
  const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= make());
  };

  // One payout for every cell that asks: a route's cells run at once, and payouts of the one
  // seller's balance would race (the first would take every AVAILABLE entry).
  let payout: Promise<number> | undefined;

  return function aFixture(): Fixture {
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
    const protectedOrder = once(async () => {
      const listing = await anItem(t, seller, { basePrice: 40, process: 'PROTECTED' });
      const id = await created(buyer, '/orders', { itemId: listing.id });
      await t.http.patch(`/orders/${id}/status?status=IN_PROGRESS`).set(seller.auth).expect(200);
      return id;
    });
    const deliveredOrder = once(async () => {
      const id = await protectedOrder();
      await created(seller, `/orders/${id}/deliveries`, { message: 'First draft' });
      return id;
    });
    const cancellationRequest = once(async () => {
      const orderId = await protectedOrder();
      const id = await created(buyer, `/orders/${orderId}/cancellation-requests`, {
        reason: 'Brief changed',
      });
      return { orderId, id };
    });
    const availableEarning = once(async () => {
      const orderId = await completedOrder();
      await created(admin, '/payments', {
        orderId,
        stripeTxId: `pi_${unique()}`,
        totalAmount: 40,
      });
      await t.sql.query(
        `UPDATE ledger_entries SET state = 'AVAILABLE', available_at = now()
         WHERE order_id = $1 AND state = 'CLEARING'`,
        [orderId],
      );
      return orderId;
    });
    const venue = once(() => created(seller, '/venues', { name: 'Cellar', address: '2 Side St' }));
    return {
      users,
      unique,
      item,
      order,
      completedOrder,
      protectedOrder,
      deliveredOrder,
      cancellationRequest,
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
      availableEarning,
      payout: () =>
        (payout ??= availableEarning().then(() =>
          created(admin, '/payouts', { sellerId: seller.id }),
        )),
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
        options.onAccount?.(rows[0].email);
        return rows[0];
      },
      // Also straight into the database (the role user's hash and roles), then logged in.
      twinOf: async (role) => {
        const of = users[role];
        const u = unique();
        const { rows } = await t.sql.query<{ id: number; email: string; username: string }>(
          `INSERT INTO users (email, username, password_hash, roles)
           SELECT $1, $2, password_hash, roles FROM users WHERE id = $3
           RETURNING id, email, username`,
          [`twin.${u}@example.com`, `twin_${u}`, of.id],
        );
        options.onAccount?.(rows[0].email);
        const login = await t.http
          .post('/users/login')
          .send({ email: rows[0].email, password: of.password })
          .expect(200);
        const token: string = login.body.token;
        return { ...of, ...rows[0], token, auth: { Authorization: `Bearer ${token}` } };
      },
      stripeEvent: () => {
        const id = `evt_${unique()}`;
        const payload = JSON.stringify({ id, object: 'event', type: 'customer.created', data: {} });
        const signature = Stripe.webhooks.generateTestHeaderString({
          payload,
          secret: options.stripeSecret,
        });
        return { payload, signature };
      },
    };
  };
}
