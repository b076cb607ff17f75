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
});
