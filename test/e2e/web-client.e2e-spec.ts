import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestUser } from '../support/factories';
import {
  callCell,
  fetchAnswer,
  startMatrixApp,
  type Answer,
  type MatrixApp,
} from '../support/matrix-fixtures';
import { declaredRoutes, type AppRoute } from '../support/routes';
import { closeAllStreams } from '../support/sse';
import type { TestApp } from '../support/test-app';
import {
  MATRIX,
  ROLES,
  type CellRequest,
  type Fixture,
  type Role,
  type SignedInRole,
} from './authorization-matrix';

const JSON_TYPE = { 'Content-Type': 'application/json' };

/**
 * Ids, times (…At, …By, …Date, …Since), ages, tokens and request ids differ between two
 * fixtures (an age in seconds ticks over between two requests); the rest must not.
 */
const VOLATILE_KEY = /^(id|requestId|token|url)$|Id$|At$|By$|Date$|Since$|Seconds$/;
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, VOLATILE_KEY.test(k) ? typeof v : comparable(v)]),
  );
}

type RequestBodySchema = { required?: string[]; $ref?: string };
const openapi = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: RequestBodySchema }> } }>
  >;
  components: { schemas: Record<string, RequestBodySchema> };
};
/** The fields the document says a route's body requires. */
function requiredFields(route: AppRoute): string[] {
  const schema =
    openapi.paths[route.path][route.method].requestBody?.content['application/json']?.schema;
  const resolved = schema?.$ref
    ? openapi.components.schemas[schema.$ref.split('/').pop()!]
    : schema;
  return resolved?.required ?? [];
}

/**
 * The original ECHO web client (React) sends `Content-Type: application/json` on every call,
 * body or not. Everything here calls the API that way, over real HTTP with fetch.
 */
describe('the ECHO web client, which declares JSON on every request', () => {
  let m: MatrixApp;
  let t: TestApp;
  let base: string;
  let users: Record<SignedInRole, TestUser>;
  let aFixture: () => Fixture;
  let routes: AppRoute[];
  let metricsToken: string;

  beforeAll(async () => {
    m = await startMatrixApp();
    ({ t, base, users, aFixture, metricsToken } = m);
    routes = declaredRoutes(t.app);
  });
  afterEach(() => closeAllStreams());
  afterAll(() => t.close());

  const authOf = (role: Role): Record<string, string> =>
    role === 'anonymous' ? {} : { Authorization: `Bearer ${users[role].token}` };

  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    fetchAnswer(base + path, method, headers, body);
  /** A matrix cell's request as `role`, with `headers` and `body` (none when undefined). */
  const cell = (
    method: string,
    req: CellRequest,
    role: Role,
    headers: Record<string, string>,
    body?: string,
  ) => callCell(m, method, req, role, { headers, body });

  const build = async (route: string, role: Role, fixture: Fixture): Promise<CellRequest> => {
    const built = await MATRIX[route].request(fixture, role);
    return typeof built === 'string' ? { path: built } : built;
  };
  const keyOf = (r: AppRoute) => `${r.method.toUpperCase()} ${r.path}`;
  /** The caller a route is for: the first whose matrix status is a success. */
  const rightCaller = (route: string): Role | undefined =>
    ROLES.find((_, i) => MATRIX[route].expect[i] < 300);

  describe('a route without a body', () => {
    it('answers an empty JSON body as it answers no body, for every caller', async () => {
      const bodyless = routes.filter((r) => !r.body).map(keyOf);
      expect(bodyless.length).toBeGreaterThan(30);
      const shared = aFixture();
      const wrong: object[] = [];
      for (const route of bodyless) {
        const row = MATRIX[route];
        const method = route.split(' ')[0];
        // The status without the header is the matrix's, checked by authorization.e2e-spec.ts.
        await Promise.all(
          ROLES.map(async (role, i) => {
            const req = await build(route, role, row.writes ? aFixture() : shared);
            const empty = method === 'GET' ? undefined : '';
            const { status, body } = await cell(method, req, role, JSON_TYPE, empty);
            if (status !== row.expect[i]) {
              wrong.push({ route, role, expected: row.expect[i], got: status, body });
            }
          }),
        );
      }
      expect(wrong).toEqual([]);
    });

    it('answers the right caller with the same body with the header as without it', async () => {
      const bodyless = routes.filter((r) => !r.body).map(keyOf);
      const shared = aFixture();
      const differ: object[] = [];
      let compared = 0;
      for (const route of bodyless) {
        const role = rightCaller(route);
        if (!role) continue;
        const method = route.split(' ')[0];
        const writes = MATRIX[route].writes;
        const plain = await cell(
          method,
          await build(route, role, writes ? aFixture() : shared),
          role,
          {},
        );
        // With the header: once with no body at all, as fetch sends a PATCH or DELETE, and once
        // with Content-Length: 0.
        const variants = method === 'GET' ? [undefined] : [undefined, ''];
        for (const empty of variants) {
          const req = await build(route, role, writes ? aFixture() : shared);
          const declared = await cell(method, req, role, JSON_TYPE, empty);
          compared++;
          if (
            declared.status !== plain.status ||
            JSON.stringify(comparable(declared.body)) !== JSON.stringify(comparable(plain.body))
          ) {
            differ.push({ route, role, empty, plain, declared });
          }
        }
      }
      expect(differ).toEqual([]);
      expect(compared).toBeGreaterThan(40);
    });

    it('serves metrics to their token with the header set', async () => {
      const res = await send('GET', '/metrics', {
        ...JSON_TYPE,
        Authorization: `Bearer ${metricsToken}`,
      });
      expect(res.status).toBe(200);
    });
  });

  describe('a route with a body', () => {
    it('refuses an empty or missing body with one sentence naming the required fields', async () => {
      const withBody = routes.filter((r) => r.body);
      expect(withBody.length).toBeGreaterThan(20);
      // Most name fields in their sentence; a route whose fields are all optional names none.
      expect(withBody.filter((r) => requiredFields(r).length > 0).length).toBeGreaterThan(15);
      const wrong: object[] = [];
      for (const route of withBody) {
        const key = keyOf(route);
        const role = rightCaller(key)!;
        const req = await build(key, role, aFixture());
        const method = route.method.toUpperCase();
        const headers = { ...req.headers, ...authOf(role) };
        const answers = [
          await send(method, req.path, { ...headers, ...JSON_TYPE }, ''),
          await send(method, req.path, { ...headers, ...JSON_TYPE }),
          await send(
            method,
            req.path,
            { ...headers, 'Content-Type': 'application/json; charset=utf-8' },
            '',
          ),
          await send(method, req.path, headers),
        ];
        const required = requiredFields(route);
        for (const { status, body } of answers) {
          const message = (body as { message?: unknown } | undefined)?.message;
          const ok =
            status === 400 &&
            typeof message === 'string' &&
            /^[A-Z][^.]*\.$/.test(message) &&
            /JSON body/.test(message) &&
            required.every((field) => message.includes(field)) &&
            !/Body cannot be empty|FST_/.test(message);
          if (!ok) wrong.push({ route: key, status, message, required });
        }
        // The same sentence whichever way the body was left out.
        const messages = new Set(answers.map((a) => (a.body as { message: string }).message));
        if (messages.size !== 1) wrong.push({ route: key, messages: [...messages] });
      }
      expect(wrong).toEqual([]);
    });

    it('names the fields in the sentence', async () => {
      const res = await send('POST', '/users/register', JSON_TYPE, '');
      expect(res).toEqual({
        status: 400,
        body: expect.objectContaining({
          message: 'This request needs a JSON body with email, username and password.',
        }),
      });
      const patch = await send('PATCH', '/items/1', { ...JSON_TYPE, ...authOf('seller') }, '');
      expect(patch.body).toMatchObject({
        message: expect.stringMatching(
          /^This request needs a JSON body: an object with any of title, /,
        ),
      });
    });

    it('still refuses a body that is not valid JSON, with or without a body of its own', async () => {
      for (const [method, path] of [
        ['POST', '/users/login'],
        ['DELETE', '/venue-event-reviews/1'],
        ['PATCH', '/orders/1/status?status=COMPLETED'],
      ]) {
        const res = await send(method, path, { ...JSON_TYPE, ...authOf('buyer') }, '{"email": ');
        expect({ path, ...res }).toEqual({
          path,
          status: 400,
          body: expect.objectContaining({ message: 'The request body is not valid JSON.' }),
        });
      }
    });

    it('refuses a body that is not JSON, a form included, with 415', async () => {
      for (const [type, body] of [
        ['application/xml', '<login/>'],
        ['application/x-www-form-urlencoded', 'email=a%40example.com&password=long+enough'],
      ]) {
        const res = await send('POST', '/users/login', { 'Content-Type': type }, body);
        expect({ type, ...res }).toEqual({
          type,
          status: 415,
          body: expect.objectContaining({
            message: 'Send the request body as JSON (Content-Type: application/json).',
          }),
        });
      }
    });
  });

  it('completes the product flow as the browser client calls it', async () => {
    /** The web client's service layer: JSON declared on every call, the token when signed in. */
    const client = (token?: string) => async (method: string, path: string, body?: object) =>
      send(
        method,
        path,
        { ...JSON_TYPE, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body === undefined ? undefined : JSON.stringify(body),
      );
    const anonymous = client();
    const unique = randomBytes(3).toString('hex');
    const register = async (name: string) => {
      const res = await anonymous('POST', '/users/register', {
        email: `${name}.${unique}@example.com`,
        username: `${name}_${unique}`,
        password: 'long enough',
      });
      expect(res.status).toBe(201);
      return res.body as { id: number; token: string };
    };
    const creator = await register('web_creator');
    const buyer = await register('web_buyer');
    const asCreator = client(creator.token);
    const asBuyer = client(buyer.token);
    const asAdmin = client(users.admin.token);
    const expectStatus = async (answer: Promise<Answer>, status: number) => {
      const res = await answer;
      expect({ status: res.status, body: res.body }).toEqual({ status, body: expect.anything() });
      return res.body as { id: number };
    };
    const gone = async (answer: Promise<Answer>) => expect((await answer).status).toBe(204);

    const item = await expectStatus(
      asCreator('POST', '/items', { title: 'Gig poster', itemType: 'SERVICE', basePrice: 90 }),
      201,
    );
    const order = await expectStatus(asBuyer('POST', '/orders', { itemId: item.id }), 201);
    await expectStatus(asBuyer('POST', `/orders/${order.id}/messages`, { content: 'Hi!' }), 201);
    await expectStatus(asCreator('POST', `/orders/${order.id}/messages/read`), 200);
    expect((await asBuyer('GET', `/reviews/order/${order.id}`)).body).toBeNull();
    for (const status of ['IN_PROGRESS', 'COMPLETED']) {
      const moved = await expectStatus(
        asCreator('PATCH', `/orders/${order.id}/status?status=${status}`),
        200,
      );
      expect(moved).toMatchObject({ status });
    }
    const review = await expectStatus(
      asBuyer('POST', '/reviews', { orderId: order.id, score: 5, comment: 'Loved it' }),
      201,
    );
    expect((await asBuyer('GET', `/reviews/order/${order.id}`)).body).toMatchObject({
      id: review.id,
    });

    const dispute = await expectStatus(
      asBuyer('POST', '/disputes', { orderId: order.id, reason: 'The print is cropped.' }),
      201,
    );
    await expectStatus(asCreator('GET', `/disputes/${dispute.id}`), 200);
    const closed = await expectStatus(
      asAdmin('PATCH', `/disputes/${dispute.id}/close`, { resolution: 'Reprinted.' }),
      200,
    );
    expect(closed).toMatchObject({ status: 'CLOSED' });

    const venue = await expectStatus(
      asCreator('POST', '/venues', { name: 'The Vault', address: '9 Quay St' }),
      201,
    );
    const venueReview = await expectStatus(
      asBuyer('POST', '/venue-event-reviews', {
        targetId: venue.id,
        targetType: 'VENUE',
        score: 4,
      }),
      201,
    );
    await gone(asBuyer('DELETE', `/venue-event-reviews/${venueReview.id}`));
    await gone(asAdmin('DELETE', `/reviews/${review.id}`));
    await gone(asCreator('DELETE', `/venues/${venue.id}`));
    expect((await asBuyer('GET', `/reviews/order/${order.id}`)).body).toBeNull();
  });
});
