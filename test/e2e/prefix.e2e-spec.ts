import { startTestApp, type TestApp } from '../support/test-app';

describe('API_PREFIX=/api', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ API_PREFIX: '/api' });
  });
  afterAll(() => t.close());

  it('serves health, docs and every feature route under the prefix, and nothing outside it', async () => {
    await t.http.get('/api/health').expect(200);
    await t.http.get('/api/health/ready').expect(200);
    await t.http.get('/api/docs').redirects(1).expect(200);
    const doc = await t.http.get('/api/docs-json').expect(200);
    const paths = Object.keys(doc.body.paths);
    expect(paths.length).toBeGreaterThan(15);
    expect(paths.filter((p) => !p.startsWith('/api/'))).toEqual([]);
    await t.http.get('/health').expect(404);
    await t.http.get('/docs-json').expect(404);
    await t.http.get('/users/me').expect(404);
  });

  it('register, login, me and the 401/403 cases work under the prefix', async () => {
    const reg = await t.http
      .post('/api/users/register')
      .send({ email: 'pre@example.com', username: 'prefixed', password: 'long enough' })
      .expect(201);
    const login = await t.http
      .post('/api/users/login')
      .send({ email: 'pre@example.com', password: 'long enough' })
      .expect(200);
    expect(login.body.id).toBe(reg.body.id);
    await t.http.get('/api/users/me').expect(401);
    await t.http
      .get('/api/users/me')
      .set('Authorization', `Bearer ${login.body.token}`)
      .expect(200);
    await t.http.get('/api/users').set('Authorization', `Bearer ${login.body.token}`).expect(403);
  });

  it('builds Link headers that include the prefix', async () => {
    for (let i = 0; i < 3; i++) {
      await t.http
        .post('/api/users/register')
        .send({ email: `p${i}@example.com`, username: `prefix_${i}`, password: 'long enough' });
    }
    const res = await t.http.get('/api/items?limit=1');
    expect(res.status).toBe(200);
    const owner = await t.http
      .post('/api/users/login')
      .send({ email: 'p0@example.com', password: 'long enough' });
    const auth = { Authorization: `Bearer ${owner.body.token}` };
    for (let i = 0; i < 2; i++) {
      await t.http
        .post('/api/items')
        .set(auth)
        .send({ title: `Item ${i}`, itemType: 'DIGITAL' })
        .expect(201);
    }
    const page = await t.http.get('/api/items?limit=1').expect(200);
    expect(page.headers.link).toMatch(/^<\/api\/items\?limit=1&cursor=[^>]+>; rel="next"$/);
  });
});
