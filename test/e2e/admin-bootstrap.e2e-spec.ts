import { startTestApp, type TestApp } from '../support/test-app';

describe('admin bootstrap (ADMIN_EMAIL / ADMIN_PASSWORD)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: 'Root@Example.com', ADMIN_PASSWORD: 'first-admin-pw' });
  });
  afterAll(() => t.close());

  it('creates the admin at start-up, who can then use admin routes', async () => {
    const login = await t.http
      .post('/users/login')
      .send({ email: 'root@example.com', password: 'first-admin-pw' })
      .expect(200);
    expect(login.body.roles).toEqual(['USER', 'ADMIN']);
    await t.http.get('/users').set('Authorization', `Bearer ${login.body.token}`).expect(200);
  });

  it('promotes an existing account on the next start instead of duplicating it', async () => {
    await t.http
      .post('/users/register')
      .send({ email: 'later@example.com', username: 'later', password: 'ordinary-pw' })
      .expect(201);
    const restarted = await startTestApp(
      { ADMIN_EMAIL: 'later@example.com', ADMIN_PASSWORD: 'promoted-pw-1' },
      { databaseUrl: t.url },
    );
    try {
      const login = await restarted.http
        .post('/users/login')
        .send({ email: 'later@example.com', password: 'promoted-pw-1' })
        .expect(200);
      expect(login.body.roles).toEqual(['USER', 'ADMIN']);
      const { rows } = await t.sql.query(
        `SELECT count(*)::int AS n FROM users WHERE email = 'later@example.com'`,
      );
      expect(rows[0].n).toBe(1);
    } finally {
      await restarted.close();
    }
  });

  it('offers no HTTP route that grants ADMIN to oneself', async () => {
    const reg = await t.http
      .post('/users/register')
      .send({ email: 'me@example.com', username: 'self_promoter', password: 'long enough' })
      .expect(201);
    await t.http
      .patch(`/users/${reg.body.id}/roles`)
      .set('Authorization', `Bearer ${reg.body.token}`)
      .send({ roles: ['ADMIN'] })
      .expect(403);
  });
});
