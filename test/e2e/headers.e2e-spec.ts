import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { contract } from '../support/contract';
import { aUser, type TestUser } from '../support/factories';
import { openStream } from '../support/sse';
import { startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(30_000);

const APP_ORIGIN = 'https://app.example.com';
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) };
/** What must never reach a client in an error body: stack frames, source paths, SQL, drivers. */
const LEAKS = [
  /\bat \S+ \(/,
  /\.(ts|js):\d+/,
  /node_modules|\/src\//,
  /QueryFailedError|TypeError|ReferenceError|"stack"/,
  /\b(SELECT|FROM|WHERE|INSERT)\b/,
  /relation "|column "/,
];

/** API8: security headers, CORS, error bodies and the docs switch, as configured at boot. */
describe('headers and configuration', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    user = await aUser(t);
  });
  afterAll(() => t.close());

  /** Another instance on this file's database, booted with `env`; closed after `use`. */
  async function withApp(env: Record<string, string>, use: (app: TestApp) => Promise<void>) {
    const other = await startTestApp(env, { databaseUrl: t.url });
    try {
      await use(other);
    } finally {
      await other.close();
    }
  }

  describe('security headers', () => {
    it.each([
      ['a 200', (a: TestApp) => a.http.get('/health').expect(200)],
      ['a JSON list', (a: TestApp) => a.http.get('/items').expect(200)],
      ['a 401', (a: TestApp) => a.http.get('/users/me').expect(401)],
      ['a 404', (a: TestApp) => a.http.get('/no-such-route').expect(404)],
      ['a 400', (a: TestApp) => a.http.post('/users/register').send({}).expect(400)],
    ])('are on %s', async (_name, send) => {
      const res: Response = await send(t);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toMatch(/^(DENY|SAMEORIGIN)$/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/frame-ancestors '(self|none)'/);
      expect(csp).toMatch(/object-src 'none'/);
      const hsts = String(res.headers['strict-transport-security']);
      expect(Number(hsts.match(/max-age=(\d+)/)?.[1])).toBeGreaterThanOrEqual(15_552_000);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    });
  });

  describe('CORS', () => {
    const preflight = (a: TestApp, origin: string) =>
      a.http
        .options('/orders')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');
    const corsHeaders = (res: Response) =>
      Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));

    it('in development without CORS_ORIGINS, allows local dev servers and nothing else', async () => {
      await withApp({ NODE_ENV: 'development' }, async (a) => {
        for (const origin of [
          'http://localhost:5173',
          'http://127.0.0.1:3000',
          'http://localhost',
        ]) {
          const ok = await preflight(a, origin);
          expect({
            origin,
            status: ok.status,
            allow: ok.headers['access-control-allow-origin'],
          }).toEqual({ origin, status: 204, allow: origin });
          const read = await a.http.get('/items').set('Origin', origin).expect(200);
          expect(read.headers['access-control-allow-origin']).toBe(origin);
        }
        for (const origin of [
          'https://localhost:5173',
          'http://localhost.evil.example:5173',
          'http://localhost:5173.evil.example',
          'http://192.168.1.20:5173',
          APP_ORIGIN,
        ]) {
          const refused = await preflight(a, origin);
          expect({ origin, allow: refused.headers['access-control-allow-origin'] }).toEqual({
            origin,
            allow: undefined,
          });
        }
      });
    });

    it('in production without CORS_ORIGINS, answers a local dev server with no CORS headers', async () => {
      await withApp(PRODUCTION, async (a) => {
        expect(corsHeaders(await preflight(a, 'http://localhost:5173'))).toEqual([]);
        const read = await a.http.get('/items').set('Origin', 'http://localhost:5173').expect(200);
        expect(corsHeaders(read)).toEqual([]);
      });
    });

    it('in development with CORS_ORIGINS, allows only those', async () => {
      await withApp({ NODE_ENV: 'development', CORS_ORIGINS: APP_ORIGIN }, async (a) => {
        expect((await preflight(a, APP_ORIGIN)).headers['access-control-allow-origin']).toBe(
          APP_ORIGIN,
        );
        const local = await preflight(a, 'http://localhost:5173');
        expect(local.headers['access-control-allow-origin']).toBeUndefined();
      });
    });

    it('sends no CORS headers at all when CORS_ORIGINS is not set (test and production)', async () => {
      expect(corsHeaders(await preflight(t, APP_ORIGIN))).toEqual([]);
      const res = await t.http.get('/items').set('Origin', APP_ORIGIN).expect(200);
      expect(corsHeaders(res)).toEqual([]);
    });

    it('with CORS_ORIGINS, allows exactly those origins', async () => {
      await withApp({ CORS_ORIGINS: `${APP_ORIGIN}, https://admin.example.com` }, async (a) => {
        const ok = await preflight(a, APP_ORIGIN);
        expect(ok.status).toBe(204);
        expect(ok.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
        expect(ok.headers['access-control-allow-methods']).toMatch(/\bPOST\b/);
        const allowed = String(ok.headers['access-control-allow-headers']).toLowerCase();
        for (const h of ['authorization', 'content-type', 'idempotency-key']) {
          expect(allowed).toContain(h);
        }
        expect(ok.headers['access-control-max-age']).toBe('600');
        expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
        expect(String(ok.headers.vary)).toMatch(/Origin/i);

        const read = await a.http.get('/items').set('Origin', APP_ORIGIN).expect(200);
        expect(read.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
        const exposed = String(read.headers['access-control-expose-headers']).toLowerCase();
        for (const h of ['x-next-cursor', 'link', 'x-request-id', 'retry-after']) {
          expect(exposed).toContain(h);
        }
        // An event stream writes its own response head; it keeps these headers and helmet's.
        await a.app.listen({ port: 0, host: '127.0.0.1' });
        const port = (a.app.getHttpServer().address() as AddressInfo).port;
        const token = (await a.http.post('/users/me/stream-tokens').set(user.auth).send({}))
          .body as { url: string };
        const stream = await openStream(`http://127.0.0.1:${port}${token.url}`, {
          Origin: APP_ORIGIN,
        });
        stream.close();
        expect(stream.status).toBe(200);
        expect(stream.headers).toMatchObject({
          'access-control-allow-origin': APP_ORIGIN,
          'x-content-type-options': 'nosniff',
          'content-security-policy': expect.stringContaining("frame-ancestors 'self'"),
          'strict-transport-security': expect.stringContaining('max-age='),
        });

        const second = await preflight(a, 'https://admin.example.com');
        expect(second.headers['access-control-allow-origin']).toBe('https://admin.example.com');

        for (const origin of [
          'https://evil.example.com',
          'https://app.example.com.evil.com',
          'http://app.example.com',
          'null',
        ]) {
          const refused = await preflight(a, origin);
          expect({ origin, allow: refused.headers['access-control-allow-origin'] }).toEqual({
            origin,
            allow: undefined,
          });
          const get = await a.http.get('/items').set('Origin', origin).expect(200);
          expect(get.headers['access-control-allow-origin']).toBeUndefined();
        }
      });
    });
  });

  describe('error bodies', () => {
    /** Errors of every kind the app produces, a server error included. */
    async function errors(a: TestApp, other: TestUser) {
      const responses: Response[] = [
        await a.http.get('/no-such-route').expect(404),
        await a.http.get('/users/abc').expect(400),
        await a.http.get('/items/999999').expect(404),
        await a.http.post('/users/register').send({ email: 'x' }).expect(400),
        await a.http
          .post('/users/register')
          .set('Content-Type', 'application/json')
          .send('{"email": ')
          .expect(400),
        await a.http
          .post('/users/register')
          .set('Content-Type', 'text/plain')
          .send('hello')
          .expect((r) => expect([400, 415]).toContain(r.status)),
        await a.http.get('/users/me').set('Authorization', 'Bearer x.y.z').expect(401),
        await a.http.get('/users').set(other.auth).expect(403),
        await a.http
          .post('/users/register')
          .send({ password: 'x'.repeat(2_000_000) })
          .expect(413),
      ];
      // A real server error: the table behind a route is gone for a moment.
      await a.sql.query('ALTER TABLE items RENAME TO items_away');
      try {
        contract().expectServerError();
        responses.push(await a.http.get('/items').expect(500));
      } finally {
        await a.sql.query('ALTER TABLE items_away RENAME TO items');
      }
      return responses;
    }

    const expectSafe = (responses: Response[]) => {
      for (const res of responses) {
        const body = res.body as Record<string, unknown>;
        expect(Object.keys(body).sort()).toEqual([
          'code',
          'error',
          'message',
          'requestId',
          'statusCode',
        ]);
        const text = JSON.stringify(body);
        expect({ status: res.status, leaks: LEAKS.filter((p) => p.test(text)) }).toEqual({
          status: body.statusCode,
          leaks: [],
        });
      }
      const serverError = responses.find((r) => r.status === 500)!;
      expect(serverError.body.message).not.toMatch(/items/);
    };

    it('carry no stack trace, source path, SQL or driver message', async () => {
      expectSafe(await errors(t, user));
    });

    it('carry none in production either', async () => {
      // Another JWT secret there, so the caller signs in there.
      await withApp(PRODUCTION, async (a) => {
        const { email, password } = user;
        const login = await a.http.post('/users/login').send({ email, password }).expect(200);
        const caller = { ...user, auth: { Authorization: `Bearer ${login.body.token}` } };
        expectSafe(await errors(a, caller));
      });
    });
  });

  describe('API docs', () => {
    const docs = async (a: TestApp) => ({
      ui: (await a.http.get('/docs').redirects(1)).status,
      json: (await a.http.get('/docs-json')).status,
    });

    it('are served in development', async () => {
      expect(await docs(t)).toEqual({ ui: 200, json: 200 });
    });

    it('are 404 in production unless DOCS_ENABLED=true', async () => {
      await withApp(PRODUCTION, async (a) => {
        expect(await docs(a)).toEqual({ ui: 404, json: 404 });
        expect((await a.http.get('/docs/swagger-ui-init.js')).status).toBe(404);
        await a.http.get('/health').expect(200);
      });
      await withApp({ ...PRODUCTION, DOCS_ENABLED: 'true' }, async (a) => {
        expect(await docs(a)).toEqual({ ui: 200, json: 200 });
      });
    });

    it('are 404 in development with DOCS_ENABLED=false', async () => {
      await withApp({ DOCS_ENABLED: 'false' }, async (a) => {
        expect(await docs(a)).toEqual({ ui: 404, json: 404 });
      });
    });
  });
});
