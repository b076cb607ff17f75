import { declaredRoutes } from '../support/routes';
import { startTestApp, type TestApp } from '../support/test-app';

interface Operation {
  security?: unknown[];
  responses: Record<string, unknown>;
  tags?: string[];
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

describe('platform: health, docs, errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('GET /health and /health/ready answer without a token', async () => {
    expect((await t.http.get('/health').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/health/ready').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await t.http.get('/docs').redirects(1).expect(200);
    expect(res.text).toContain('swagger-ui');
  });

  it('documents every declared route, with responses and bearer auth where closed', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body as OpenApi;
    const routes = declaredRoutes(t.app);
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method];
      expect({ route, documented: Boolean(op) }).toEqual({ route, documented: true });
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      expect(op.tags?.length).toBeGreaterThan(0);
    }
  });

  it('closes every route not marked public, and documents which need a bearer token', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body as OpenApi;
    const publicPaths: string[] = [];
    for (const route of declaredRoutes(t.app)) {
      const path = route.path.replace(/\{[^}]+\}/g, '1');
      const res = await t.http[route.method as 'get'](path).send({});
      const isPublic = res.status !== 401;
      if (isPublic) publicPaths.push(`${route.method} ${route.path}`);
      const security = doc.paths[route.path][route.method].security;
      expect({ route, security }).toEqual({
        route,
        security: isPublic ? undefined : [{ bearer: [] }],
      });
    }
    expect(publicPaths.sort()).toEqual(
      [
        'get /events',
        'get /events/{id}',
        'get /health',
        'get /health/ready',
        'get /items',
        'get /items/{id}',
        'get /users/{id}',
        'get /venues',
        'get /venues/{id}',
        'get /reviews/user/{userId}',
        'get /reviews/user/{userId}/average',
        'get /venue-event-reviews',
        'get /venue-event-reviews/average',
        'post /payments/webhooks/stripe',
        'post /users/login',
        'post /users/register',
      ].sort(),
    );
  });

  it('answers an unknown route with the error shape and echoes a safe X-Request-Id', async () => {
    const res = await t.http.get('/no-such-route').set('X-Request-Id', 'trace-123').expect(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'ROUTE_NOT_FOUND',
      message: expect.any(String),
      requestId: 'trace-123',
    });
    expect(res.headers['x-request-id']).toBe('trace-123');
    const unsafe = await t.http.get('/health').set('X-Request-Id', 'bad id with spaces');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each(['/orders/%', '/orders/1/messages/%zz', '/items%'])(
    'answers a malformed %%-escape in the path (%s) with 400 BAD_REQUEST, the error shape and the headers',
    async (path) => {
      const res = await t.http.get(path).set('X-Request-Id', 'bad-url-1').expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        code: 'BAD_REQUEST',
        message: "The URL is not valid: a '%' in it must start an escape such as %20.",
        requestId: 'bad-url-1',
      });
      expect(res.headers['x-request-id']).toBe('bad-url-1');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    },
  );

  it('refuses an oversized body with 413 and the error shape', async () => {
    const res = await t.http
      .post('/users/register')
      .send({ email: 'a@b.co', username: 'big', password: 'x'.repeat(2 * 1024 * 1024) })
      .expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, message: expect.any(String) });
  });
});
