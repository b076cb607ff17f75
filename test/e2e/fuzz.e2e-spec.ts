import fc from 'fast-check';
import { aUser, anAdmin, anItem, type TestUser } from '../support/factories';
import {
  anyJson,
  cursor,
  ID_TEXTS,
  isoDate,
  key,
  LEAK,
  NOT_JSON,
  number,
  Obj,
  pct,
  RAW_ODDITIES,
  rawClient,
  serialize,
  text,
  type Json,
} from '../support/fuzz';
import { declaredRoutes, type AppRoute } from '../support/routes';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Property-based fuzzing of every route the controllers declare (issue #9): generated path
 * ids, query strings, JSON bodies and Idempotency-Keys, well-formed and not, as anonymous, a
 * normal user and an admin. Whatever comes in: no 5xx, no stack trace or SQL in a body, the
 * documented error shape for a 4xx, and a 4xx changes no row of any table. FUZZ_SEED and
 * FUZZ_RUNS override the defaults; a failure prints its seed and counterexample.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_509);
/**
 * Every route gets at least this many cases per role, the slow ones (password hashing)
 * included: about 10 s a role on two cores. No time limit cuts a route short, and the
 * file fails if any route got fewer. FUZZ_RUNS may raise it, never lower it.
 */
const MIN_CASES_PER_ROUTE = 20;
const RUNS = Number(process.env.FUZZ_RUNS ?? MIN_CASES_PER_ROUTE);
if (!Number.isInteger(RUNS) || RUNS < MIN_CASES_PER_ROUTE) {
  throw new Error(`FUZZ_RUNS must be an integer of at least ${MIN_CASES_PER_ROUTE}.`);
}
/** Node refuses to send other header values; the server never sees them. */
const SENDABLE_HEADER = /^[\t\x20-\x7e\x80-\xff]*$/;

type Role = 'anonymous' | 'user' | 'admin';
type Schema = { type?: string; enum?: string[]; example?: unknown; items?: Schema; $ref?: string };
type ObjectSchema = Schema & { properties?: Record<string, Schema> };
type Operation = {
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema: Schema }> };
};
type OpenApi = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, ObjectSchema> };
};
interface Case {
  params: Record<string, string>;
  query: [string, string][];
  body: string | null;
  idempotencyKey: string | null;
}

describe('fuzzing every route (issue #9)', () => {
  let t: TestApp;
  let routes: AppRoute[];
  let doc: OpenApi;
  let client: ReturnType<typeof rawClient>;
  const actors: Record<Role, Record<string, string>> = { anonymous: {}, user: {}, admin: {} };
  /** Ids of rows that exist. No actor is among them, so a fuzzed admin call cannot lock us out. */
  const pool: number[] = [];
  const tally: Record<string, number> = { cases: 0 };
  /** Cases each route received, keyed `METHOD /path as role`. */
  const perRoute = new Map<string, number>();

  beforeAll(async () => {
    t = await startTestApp({
      STRIPE_WEBHOOK_SECRET: 'whsec_fuzzing-secret',
      RATE_LIMIT_REGISTER_PER_IP: '1000000',
      RATE_LIMIT_LOGIN_PER_IP: '1000000',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000000',
      RATE_LIMIT_MESSAGES_PER_THREAD: '1000000',
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    client = rawClient((t.app.getHttpServer().address() as { port: number }).port);
    routes = declaredRoutes(t.app);
    doc = (await t.http.get('/docs-json').expect(200)).body as OpenApi;
    await fixtures();
  }, 60_000);
  afterAll(async () => {
    client?.close();
    const fewest = [...perRoute].sort((a, b) => a[1] - b[1])[0];
    console.log(
      [
        `fuzz: ${perRoute.size} route/role pairs, required at least ${RUNS} cases each`,
        `fewest ${fewest?.[1] ?? 0} (${fewest?.[0] ?? 'none ran'}), total ${tally.cases}`,
        `by status class ${JSON.stringify(tally)} (seed ${SEED})`,
      ].join('; '),
    );
    await t?.close();
  });

  /** Rows of every kind and state, most owned by users the fuzz never authenticates as. */
  async function fixtures() {
    const [seller, buyer] = [await aUser(t, 'seller'), await aUser(t, 'buyer')];
    const item = await anItem(t, seller);
    const post = async (who: TestUser, path: string, body: object): Promise<number> =>
      (await t.http.post(path).set(who.auth).send(body).expect(201)).body.id;
    const orders: number[] = [];
    for (const steps of [[], ['IN_PROGRESS'], ['IN_PROGRESS', 'COMPLETED'], ['CANCELLED']]) {
      const id = await post(buyer, '/orders', { itemId: item.id, finalPrice: 100 });
      await post(buyer, `/orders/${id}/messages`, { content: 'hello' });
      for (const s of steps) {
        const who = s === 'IN_PROGRESS' ? seller : buyer;
        await t.http.patch(`/orders/${id}/status?status=${s}`).set(who.auth).expect(200);
      }
      orders.push(id);
    }
    const venue = await post(seller, '/venues', { name: 'Sala', address: 'Carrer 1' });
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const event = { venueId: venue, title: 'Gig', startDate: hoursAgo(5), endDate: hoursAgo(4) };
    pool.push(seller.id, buyer.id, item.id, venue, await post(seller, '/events', event));
    pool.push(...orders, await post(buyer, '/reviews', { orderId: orders[2], score: 4 }));
    pool.push(await post(buyer, '/disputes', { orderId: orders[1], reason: 'late' }));
    const venueReview = { targetId: venue, targetType: 'VENUE', score: 5 };
    pool.push(await post(buyer, '/venue-event-reviews', venueReview));
    // The actors' ids are far above every fixture id.
    await t.sql.query(`SELECT setval('users_id_seq', 100000)`);
    const [user, admin, cashier] = [await aUser(t, 'fuzzer'), await anAdmin(t), await anAdmin(t)];
    const payment = { orderId: orders[1], stripeTxId: 'pi_fuzz', totalAmount: 100 };
    pool.push(await post(cashier, '/payments', payment));
    // The fuzzing user is a party too, so its calls get past the access checks.
    const own = await post(user, '/orders', { itemId: item.id, finalPrice: 50 });
    pool.push(own, await post(user, '/disputes', { orderId: own, reason: 'fuzz' }));
    actors.user = user.auth;
    actors.admin = admin.auth;
  }

  let digestSql = '';
  /** Every table's row count and a digest of its rows, as one string. */
  async function snapshot(): Promise<string> {
    if (!digestSql) {
      const { rows } = await t.sql.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
      );
      expect(rows.length).toBeGreaterThan(15);
      const parts = rows.map(
        ({ table_name: n }) =>
          `(SELECT '${n}:' || count(*) || ':' || coalesce(sum(hashtextextended(x::text, 0)), 0)
            FROM "${n}" x)`,
      );
      digestSql = `SELECT concat_ws(' ', ${parts.join(', ')}) AS s`;
    }
    return (await t.sql.query<{ s: string }>({ name: 'fuzz-digest', text: digestSql })).rows[0].s;
  }

  const operation = (r: AppRoute): Operation | undefined => doc.paths[r.path]?.[r.method];
  const resolve = (s: Schema): ObjectSchema =>
    s.$ref ? doc.components.schemas[s.$ref.split('/').pop()!] : s;

  /** A value for one documented body field: mostly plausible for it, sometimes anything. */
  function field(name: string, s: Schema): fc.Arbitrary<Json> {
    const plausible: fc.Arbitrary<Json>[] = [text, number];
    const example = s.example;
    if (example !== undefined && typeof example !== 'object') {
      plausible.push(fc.constant(example as Json));
    }
    if (s.enum) plausible.push(fc.constantFrom(...s.enum, ...s.enum.map((e) => e.toLowerCase())));
    if (s.items?.enum) plausible.push(fc.subarray(s.items.enum), fc.array(text, { maxLength: 3 }));
    if (/id$/i.test(name)) {
      plausible.push(fc.constantFrom(...pool), fc.integer({ min: 1, max: 2 ** 31 - 1 }));
    }
    if (/date$/i.test(name)) plausible.push(isoDate);
    if (s.type === 'boolean') plausible.push(fc.boolean());
    if (name === 'email') plausible.push(fc.emailAddress().filter((e) => !LEAK.test(e)));
    return fc.oneof({ weight: 4, arbitrary: fc.oneof(...plausible) }, anyJson);
  }

  /** Objects made of the route's documented fields (plus strays), and everything else. */
  function bodyOf(r: AppRoute): fc.Arbitrary<string | null> {
    const content = operation(r)?.requestBody?.content?.['application/json'];
    const props = content ? (resolve(content.schema).properties ?? {}) : {};
    const fields = Object.entries(props).map(([k, s]) => [k, field(k, s)] as const);
    const known = fc
      .record(Object.fromEntries(fields), { requiredKeys: [] })
      .map((o) => Object.entries(o) as [string, Json][]);
    const strays = fc.array(fc.tuple(key, anyJson), { maxLength: 2 });
    const extra = fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, strays);
    const object = fc.tuple(known, extra).map(([a, b]) => new Obj([...a, ...b]));
    return fc.oneof(
      { weight: 6, arbitrary: object.map(serialize) },
      { weight: 2, arbitrary: anyJson.map(serialize) },
      { weight: 1, arbitrary: object.map((o) => serialize([o])) },
      { weight: 1, arbitrary: fc.constantFrom(...NOT_JSON) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
  }

  function caseOf(r: AppRoute): fc.Arbitrary<Case> {
    const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const id = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...pool).map(String) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 ** 31 - 1 }).map(String) },
      { weight: 3, arbitrary: fc.constantFrom(...ID_TEXTS).map(pct) },
      { weight: 1, arbitrary: fc.oneof(text.map(pct), fc.constantFrom(...RAW_ODDITIES)) },
    );
    const documented = (operation(r)?.parameters ?? []).filter((p) => p.in === 'query');
    const enums = documented.flatMap((p) => p.schema?.enum ?? []);
    const qKey = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom('limit', 'cursor', ...documented.map((p) => p.name)),
      },
      fc.constantFrom('__proto__', 'constructor', 'a[b]', 'limit[]', 'status[0]', ''),
      key,
    );
    const qValue = fc.oneof(
      fc.oneof(fc.constantFrom(...pool), fc.integer({ min: -5, max: 2 ** 32 })).map(String),
      fc.constantFrom(...ID_TEXTS, ...enums, ...enums.map((e) => e.toLowerCase())),
      cursor,
      text,
    );
    const encodedValue = fc.oneof(
      { weight: 6, arbitrary: qValue.map(pct) },
      fc.constantFrom(...RAW_ODDITIES),
    );
    const pairs = fc.array(fc.tuple(qKey.map(pct), encodedValue), { maxLength: 4 });
    // Repeated keys: the first key again, with the last value.
    const query = fc
      .tuple(pairs, fc.boolean())
      .map(([p, repeat]) => (repeat && p.length ? [...p, [p[0][0], p[p.length - 1][1]]] : p));
    return fc.record({
      params: fc
        .tuple(...names.map(() => id))
        .map((v) => Object.fromEntries(names.map((n, i) => [n, v[i]]))),
      query: query as fc.Arbitrary<[string, string][]>,
      body: r.method === 'get' ? fc.constant(null) : bodyOf(r),
      idempotencyKey: fc.option(
        fc.oneof(fc.uuid(), fc.string({ unit: 'binary-ascii', maxLength: 300 })),
        { freq: 3 },
      ),
    });
  }

  async function fuzz(role: Role) {
    let before = await snapshot();
    for (const r of routes) {
      const name = `${r.method.toUpperCase()} ${r.path} as ${role}`;
      perRoute.set(name, 0);
      const property = fc.asyncProperty(caseOf(r), async (c) => {
        perRoute.set(name, perRoute.get(name)! + 1);
        const path = r.path.replace(/\{(\w+)\}/g, (_, n: string) => c.params[n]);
        const qs = c.query.map(([k, v]) => `${k}=${v}`).join('&');
        const headers = { ...actors[role] };
        if (c.idempotencyKey !== null && SENDABLE_HEADER.test(c.idempotencyKey)) {
          headers['idempotency-key'] = c.idempotencyKey;
        }
        const method = r.method.toUpperCase();
        const res = await client.send(method, qs ? `${path}?${qs}` : path, headers, c.body);
        const after = await snapshot();
        const bucket = `${Math.floor(res.status / 100)}xx`;
        tally[bucket] = (tally[bucket] ?? 0) + 1;
        tally.cases++;
        expect(res.status).toBeLessThan(500);
        expect(res.text).not.toMatch(LEAK);
        if (res.status >= 400) {
          expect(res.type).toMatch(/^application\/json/);
          const body = JSON.parse(res.text) as Record<string, unknown>;
          expect(Object.keys(body).sort()).toEqual([
            'code',
            'error',
            'message',
            'requestId',
            'statusCode',
          ]);
          expect(body).toEqual({
            statusCode: res.status,
            error: expect.stringMatching(/^[A-Z][A-Za-z -]+$/),
            code: expect.stringMatching(/^[A-Z][A-Z0-9_]+$/),
            message: expect.anything(),
            requestId: res.requestId,
          });
          const messages = [body.message].flat();
          expect(messages.length).toBeGreaterThan(0);
          expect(messages.every((m) => typeof m === 'string' && m.length > 0)).toBe(true);
          expect(res.requestId).not.toBe('');
          expect(after).toBe(before);
        }
        before = after;
      });
      try {
        await fc.assert(property, { seed: SEED, numRuns: RUNS });
      } catch (err) {
        const e = err as Error;
        e.message = `${name}:\n${e.message}`;
        throw err;
      }
    }
  }

  it('finds every declared route, the SSE streams included', () => {
    const names = routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(names.length).toBeGreaterThanOrEqual(60);
    expect(names).toEqual(
      expect.arrayContaining(['GET /orders/{id}/events', 'GET /users/me/events', 'POST /reviews']),
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it.each<Role>(['anonymous', 'user', 'admin'])(
    'as %s: no 5xx, no leak, one error shape, and a 4xx writes nothing',
    async (role) => {
      const before = { ...tally };
      await fuzz(role);
      const mine = [...perRoute].filter(([name]) => name.endsWith(` as ${role}`));
      expect(routes.length).toBeGreaterThanOrEqual(60);
      expect(mine).toHaveLength(routes.length);
      expect(mine.filter(([, n]) => n < RUNS)).toEqual([]);
      // The generators reach the handlers too, not only the validation in front of them.
      const successes = (tally['2xx'] ?? 0) - (before['2xx'] ?? 0);
      if (role !== 'anonymous') expect(successes).toBeGreaterThan(routes.length);
    },
    // A guard against a hang, not a time budget: no case is cut short any more, so a busy
    // machine takes longer (about 10 s a role on two cores, 70 s under a load of 16).
    300_000,
  );

  it('leaves the app healthy', async () => {
    await t.http.get('/health/ready').expect(200);
    await t.http.get('/users/me').set(actors.user).expect(200);
  });
});
