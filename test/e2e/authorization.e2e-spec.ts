import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestUser } from '../support/factories';
import { callCell, startMatrixApp, type MatrixApp } from '../support/matrix-fixtures';
import { declaredRoutes } from '../support/routes';
import { closeAllStreams } from '../support/sse';
import type { TestApp } from '../support/test-app';
import { MATRIX, ROLES, type Fixture, type Role, type SignedInRole } from './authorization-matrix';

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

type Kind = 'order' | 'dispute' | 'payment';
type Responses = Record<
  string,
  { content?: Record<string, { schema: { items?: { $ref?: string } } }> }
>;
/** The committed OpenAPI document: what each list route's items are. */
const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, { get?: { responses: Responses } }>;
};
/** The list item schemas whose own `id` is an order's, a dispute's or a payment's. */
const ITEM_KINDS: Record<string, Kind> = {
  OrderResponse: 'order',
  DisputeResponse: 'dispute',
  PaymentResponse: 'payment',
};
/** What a field's number identifies, when it is an order, a dispute or a payment. */
function kindOfField(key: string, itemKind: Kind | undefined, topLevel: boolean): Kind | undefined {
  if (key === 'id') return topLevel ? itemKind : undefined;
  const named = /(order|dispute|payment)Ids?$/i.exec(key);
  return named ? (named[1].toLowerCase() as Kind) : undefined;
}
/**
 * The order, dispute and payment ids a JSON value names: `orderId`, `disputeId`, `paymentId`
 * (or `...OrderId`, `...Ids`) at any depth, and `id` of the list's own items when they are
 * orders, disputes or payments. Other `id`s (items, users, messages) are not compared: they are
 * small integers from other sequences and would match by accident.
 */
function namedIds(value: unknown, itemKind: Kind | undefined, topLevel = true): [Kind, number][] {
  if (Array.isArray(value)) return value.flatMap((v) => namedIds(v, itemKind, topLevel));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]): [Kind, number][] => {
    const kind = kindOfField(key, itemKind, topLevel);
    if (!kind) return namedIds(v, itemKind, false);
    const numbers = [v].flat().filter((n): n is number => typeof n === 'number');
    return numbers.map((n) => [kind, n]);
  });
}

/** "GET /orders/{id}/events" -> a pattern its concrete paths match. */
const pathPattern = (route: string) =>
  new RegExp(`^${route.split(' ')[1].replace(/\{[^}]+\}/g, '[1-9][0-9]*')}(\\?.*)?$`);

// 320 cells, a few with password hashing (slow by design), on a machine that may be busy.
jest.setTimeout(120_000);

/** API1, API5 and API3: who may call which route, and what the answers never show. */
describe('authorization: the route-by-route matrix', () => {
  let m: MatrixApp;
  let t: TestApp;
  let users: Record<SignedInRole, TestUser>;
  /** Emails of every account the fixtures made, to look for in bodies where they do not belong. */
  const emails = new Set<string>();
  const cells: Cell[] = [];
  let aFixture: () => Fixture;

  beforeAll(async () => {
    m = await startMatrixApp((email) => emails.add(email));
    ({ t, users, aFixture } = m);
  });
  afterEach(() => closeAllStreams());
  afterAll(() => t.close());

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
          const { status, body } = await callCell(m, method, req, role);
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

  it('lists none of the fixtures’ orders, disputes or payments to a stranger or an anonymous caller', async () => {
    expect(cells).toHaveLength(ROLES.length * ROUTES.length);
    // Every order the stranger has no part in (all but the one its POST /orders cell placed),
    // and the disputes and payments on them.
    const { rows } = await t.sql.query<{ kind: Kind; id: number }>(
      `WITH theirs AS (SELECT id FROM orders WHERE $1 NOT IN (buyer_id, seller_id))
       SELECT 'order' AS kind, id FROM theirs
       UNION ALL SELECT 'dispute', id FROM disputes WHERE order_id IN (SELECT id FROM theirs)
       UNION ALL SELECT 'payment', id FROM payments WHERE order_id IN (SELECT id FROM theirs)`,
      [users.stranger.id],
    );
    const foreign = new Set(rows.map(({ kind, id }) => `${kind} ${id}`));
    for (const kind of ['order', 'dispute', 'payment']) {
      expect(rows.filter((r) => r.kind === kind).length).toBeGreaterThan(0);
    }
    const kindOf = (route: string): Kind | undefined => {
      const ok = document.paths[route.split(' ')[1]]?.get?.responses['200'];
      const ref = ok?.content?.['application/json']?.schema.items?.$ref ?? '';
      return ITEM_KINDS[ref.split('/').pop()!];
    };

    const lists = cells.filter(
      (c) =>
        ['anonymous', 'stranger'].includes(c.role) && c.status === 200 && Array.isArray(c.body),
    );
    const leaks: object[] = [];
    let excused = 0;
    for (const { route, role, body } of lists) {
      for (const [kind, id] of namedIds(body, kindOf(route))) {
        if (!foreign.has(`${kind} ${id}`)) continue;
        if (kind === 'order' && MATRIX[route].showsOrderIds) excused++;
        else leaks.push({ route, role, kind, id });
      }
    }
    expect(leaks).toEqual([]);

    // The sweep covered the public and the stranger's lists, some with rows in them, and it
    // recognises ids where they are: the buyer's own lists name the fixtures' rows.
    expect(lists.map((c) => c.route)).toEqual(
      expect.arrayContaining(['GET /orders', 'GET /disputes/user/my-disputes', 'GET /items']),
    );
    expect(lists.filter((c) => (c.body as unknown[]).length > 0).length).toBeGreaterThan(0);
    expect(excused).toBeGreaterThan(0);
    const buyerSees = (route: string) =>
      namedIds(
        cells.find((c) => c.route === route && c.role === 'buyer')?.body,
        kindOf(route),
      ).filter(([kind, id]) => foreign.has(`${kind} ${id}`));
    expect(buyerSees('GET /orders').map(([kind]) => kind)).toContain('order');
    expect(buyerSees('GET /disputes/user/my-disputes').map(([kind]) => kind)).toEqual(
      expect.arrayContaining(['dispute', 'order']),
    );
  });
});
