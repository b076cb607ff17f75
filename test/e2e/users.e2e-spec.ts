import { createHmac } from 'node:crypto';
import { aUser, anAdmin, countRows } from '../support/factories';
import { hashPassword } from '../../src/users/password-hasher';
import { collectAll } from '../support/pages';
import { startTestApp, type TestApp } from '../support/test-app';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
function signed(payload: object, alg = 'HS256', secret = process.env.JWT_SECRET!): string {
  const head = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  const algo = alg === 'HS512' ? 'sha512' : 'sha256';
  return `${head}.${createHmac(algo, secret).update(head).digest('base64url')}`;
}

describe('users and auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No account cache: role and activation changes must show on the very next request.
    t = await startTestApp({ AUTH_CACHE_MS: '0' });
  });
  afterAll(() => t.close());

  describe('POST /users/register', () => {
    it('creates a USER and returns a token, never the password', async () => {
      const res = await t.http
        .post('/users/register')
        .send({ email: 'Mia@Example.com', username: 'mia', password: 'long enough' })
        .expect(201);
      expect(res.body).toEqual({
        token: expect.any(String),
        id: expect.any(Number),
        email: 'mia@example.com',
        username: 'mia',
        roles: ['USER'],
        isActive: true,
      });
      const { rows } = await t.sql.query('SELECT password_hash FROM users WHERE id = $1', [
        res.body.id,
      ]);
      // argon2id at the configured costs (PASSWORD_HASH_*), written into the hash.
      const env = process.env;
      const [m, tc, p] = [
        env.PASSWORD_HASH_MEMORY_KIB,
        env.PASSWORD_HASH_TIME_COST,
        env.PASSWORD_HASH_PARALLELISM,
      ];
      expect(rows[0].password_hash).toMatch(
        new RegExp(`^\\$argon2id\\$v=19\\$m=${m},t=${tc},p=${p}\\$`),
      );
      expect(JSON.stringify(res.body)).not.toContain('long enough');
    });

    it('refuses a duplicate email (any case) with 409 and writes nothing', async () => {
      const u = await aUser(t);
      const before = await countRows(t, 'users');
      const res = await t.http
        .post('/users/register')
        .send({ email: u.email.toUpperCase(), username: 'other_name', password: '12345678' })
        .expect(409);
      expect(res.body.message).toMatch(/already exists/);
      expect(await countRows(t, 'users')).toBe(before);
    });

    it('refuses a duplicate username with 409', async () => {
      const u = await aUser(t);
      await t.http
        .post('/users/register')
        .send({ email: 'fresh@example.com', username: u.username, password: '12345678' })
        .expect(409);
    });

    it('names every failing field in a 400', async () => {
      const res = await t.http
        .post('/users/register')
        .send({ email: 'not-an-email', username: 'x', password: 'short' })
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      const text = (res.body.message as string[]).join(' | ');
      expect(text).toMatch(/email/);
      expect(text).toMatch(/username/);
      expect(text).toMatch(/password must be at least 8 characters/);
      expect(res.body.requestId).toEqual(expect.any(String));
    });

    it('rejects unknown fields instead of dropping them', async () => {
      const res = await t.http
        .post('/users/register')
        .send({ email: 'x@example.com', username: 'xuser', password: '12345678', roles: ['ADMIN'] })
        .expect(400);
      expect(res.body.message).toContain('property roles should not exist');
    });

    it('answers malformed JSON with a readable 400', async () => {
      const res = await t.http
        .post('/users/register')
        .set('Content-Type', 'application/json')
        .send('{"email": ')
        .expect(400);
      expect(res.body.message).toMatch(/JSON/);
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js:\d+/);
    });
  });

  describe('POST /users/login', () => {
    it('returns a working token for the right password', async () => {
      const u = await aUser(t);
      const res = await t.http
        .post('/users/login')
        .send({ email: u.email, password: u.password })
        .expect(200);
      expect(res.body).toMatchObject({ id: u.id, email: u.email, roles: ['USER'] });
      await t.http.get('/users/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    });

    it('verifies a password hashed with other costs: changing them locks no one out', async () => {
      const u = await aUser(t);
      // As if the account had been made before PASSWORD_HASH_* changed: the default costs.
      const hash = await hashPassword(u.password);
      expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/);
      await t.sql.query('UPDATE users SET password_hash = $1 WHERE id = $2', [hash, u.id]);
      await t.http.post('/users/login').send({ email: u.email, password: u.password }).expect(200);
      await t.http
        .post('/users/login')
        .send({ email: u.email, password: `${u.password}x` })
        .expect(401);
    });

    it('gives one 401 message for a wrong password and for an unknown email', async () => {
      const u = await aUser(t);
      const wrong = await t.http
        .post('/users/login')
        .send({ email: u.email, password: 'wrong password' })
        .expect(401);
      const unknown = await t.http
        .post('/users/login')
        .send({ email: 'nobody@example.com', password: 'wrong password' })
        .expect(401);
      expect(wrong.body.message).toBe(unknown.body.message);
    });

    it('refuses a deactivated account', async () => {
      const u = await aUser(t);
      await t.sql.query('UPDATE users SET is_active = false WHERE id = $1', [u.id]);
      await t.http.post('/users/login').send({ email: u.email, password: u.password }).expect(401);
    });
  });

  describe('GET /users/me and bearer tokens', () => {
    it('returns the caller', async () => {
      const u = await aUser(t);
      const res = await t.http.get('/users/me').set(u.auth).expect(200);
      expect(res.body).toEqual({
        id: u.id,
        email: u.email,
        username: u.username,
        roles: ['USER'],
        isActive: true,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
    });

    it.each([
      ['no header', undefined],
      ['not a bearer', 'Basic abc'],
      ['garbage', 'Bearer not.a.jwt'],
    ])('401 with %s', async (_name, header) => {
      const req = t.http.get('/users/me');
      if (header) req.set('Authorization', header);
      const res = await req.expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    it('401 for a tampered, expired, wrong-algorithm or unsigned token', async () => {
      const u = await aUser(t);
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        sub: String(u.id),
        roles: ['USER', 'ADMIN'],
        typ: 'access',
        sv: 1,
        iat: now,
      };
      const [h, , s] = u.token.split('.');
      const tampered = `${h}.${b64({ ...claims, exp: now + 600 })}.${s}`;
      const expired = signed({ ...claims, exp: now - 10 });
      const hs512 = signed({ ...claims, exp: now + 600 }, 'HS512');
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: now + 600 })}.`;
      const otherSecret = signed({ ...claims, exp: now + 600 }, 'HS256', 'x'.repeat(40));
      for (const token of [tampered, expired, hs512, none, otherSecret]) {
        await t.http.get('/users/me').set('Authorization', `Bearer ${token}`).expect(401);
      }
      // The same claims, correctly signed, pass: the refusals above are about the token.
      const good = signed({ ...claims, roles: ['USER'], exp: now + 600 });
      await t.http.get('/users/me').set('Authorization', `Bearer ${good}`).expect(200);
    });
  });

  describe('GET /users/{id}', () => {
    it('shows a public profile without a token', async () => {
      const u = await aUser(t);
      const res = await t.http.get(`/users/${u.id}`).expect(200);
      expect(res.body).toEqual({ id: u.id, username: u.username, createdAt: expect.any(String) });
    });

    it('404 for a missing user, 400 for a malformed id', async () => {
      await t.http.get('/users/999999').expect(404);
      for (const bad of ['abc', '0', '-1', '1.5', '99999999999', '1e3']) {
        const res = await t.http.get(`/users/${bad}`).expect(400);
        expect(res.body.message).toMatch(/positive integer/);
      }
    });
  });

  describe('admin routes', () => {
    it('GET /users is ADMIN only, paginated newest first', async () => {
      const admin = await anAdmin(t);
      const u = await aUser(t);
      await t.http.get('/users').expect(401);
      await t.http.get('/users').set(u.auth).expect(403);
      const first = await t.http.get('/users?limit=2').set(admin.auth).expect(200);
      expect(first.body).toHaveLength(2);
      expect(first.body[0].id).toBeGreaterThan(first.body[1].id);
      expect(first.body[0]).not.toHaveProperty('passwordHash');
      const cursor = first.headers['x-next-cursor'];
      expect(first.headers.link).toBe(`</users?limit=2&cursor=${cursor}>; rel="next"`);
      const { rows } = await collectAll(t, '/users?limit=2', admin.auth);
      const all = rows.map((x) => x.id);
      expect(all).toHaveLength(await countRows(t, 'users'));
      expect(new Set(all).size).toBe(all.length);
      await t.http.get('/users?limit=0').set(admin.auth).expect(400);
      await t.http.get('/users?limit=201').set(admin.auth).expect(400);
      await t.http.get('/users?cursor=nonsense').set(admin.auth).expect(400);
    });

    it('PATCH /users/{id}/roles promotes and demotes; tokens issued before a change end', async () => {
      const admin = await anAdmin(t);
      const u = await aUser(t);
      await t.http
        .patch(`/users/${u.id}/roles`)
        .set(u.auth)
        .send({ roles: ['ADMIN'] })
        .expect(403);
      const res = await t.http
        .patch(`/users/${u.id}/roles`)
        .set(admin.auth)
        .send({ roles: ['ADMIN'] })
        .expect(200);
      expect(res.body.roles).toEqual(['USER', 'ADMIN']);
      // The token issued before the change never becomes an admin token: its session ended.
      await t.http.get('/users').set(u.auth).expect(401);
      const login = await t.http
        .post('/users/login')
        .send({ email: u.email, password: u.password });
      expect(login.body.roles).toEqual(['USER', 'ADMIN']);
      await t.http
        .patch(`/users/${u.id}/roles`)
        .set(admin.auth)
        .send({ roles: ['USER'] })
        .expect(200);
      await t.http.get('/users').set('Authorization', `Bearer ${login.body.token}`).expect(401);
      const again = await t.http
        .post('/users/login')
        .send({ email: u.email, password: u.password });
      await t.http.get('/users').set('Authorization', `Bearer ${again.body.token}`).expect(403);
    });

    it('PATCH /users/{id}/active: a deactivated account cannot log in and its tokens stop working', async () => {
      const admin = await anAdmin(t);
      const u = await aUser(t);
      await t.http.get('/users/me').set(u.auth).expect(200);
      await t.http.patch(`/users/${u.id}/active`).set(u.auth).send({ isActive: false }).expect(403);
      await t.http
        .patch(`/users/${u.id}/active`)
        .set(admin.auth)
        .send({ isActive: 'no' })
        .expect(400);
      const res = await t.http
        .patch(`/users/${u.id}/active`)
        .set(admin.auth)
        .send({ isActive: false })
        .expect(200);
      expect(res.body.isActive).toBe(false);
      await t.http.get('/users/me').set(u.auth).expect(401);
      await t.http.post('/users/login').send({ email: u.email, password: u.password }).expect(401);
      await t.http
        .patch(`/users/${admin.id}/active`)
        .set(admin.auth)
        .send({ isActive: false })
        .expect(409);
      await t.http
        .patch(`/users/${u.id}/active`)
        .set(admin.auth)
        .send({ isActive: true })
        .expect(200);
      // Reactivated, the account logs in again; the tokens of before stay ended.
      await t.http.get('/users/me').set(u.auth).expect(401);
      const login = await t.http
        .post('/users/login')
        .send({ email: u.email, password: u.password })
        .expect(200);
      await t.http.get('/users/me').set('Authorization', `Bearer ${login.body.token}`).expect(200);
    });

    it('PATCH /users/{id}/roles validates, 404s, and never demotes the last admin', async () => {
      const admin = await anAdmin(t);
      await t.http
        .patch(`/users/${admin.id}/roles`)
        .set(admin.auth)
        .send({ roles: ['SUPERUSER'] })
        .expect(400);
      await t.http.patch(`/users/${admin.id}/roles`).set(admin.auth).send({}).expect(400);
      await t.http
        .patch('/users/999999/roles')
        .set(admin.auth)
        .send({ roles: ['USER'] })
        .expect(404);
      await t.sql.query(`UPDATE users SET roles = '{USER}' WHERE id <> $1`, [admin.id]);
      const res = await t.http
        .patch(`/users/${admin.id}/roles`)
        .set(admin.auth)
        .send({ roles: ['USER'] })
        .expect(409);
      expect(res.body.message).toMatch(/only admin/);
    });
  });
});
