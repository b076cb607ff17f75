import { createHmac } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';
import { validateEnv } from '../../src/config/env.validation';
import { upsertAdmin } from '../../src/users/admin-account';
import { hashPassword } from '../../src/users/password-hasher';
import { adminUpsertWarning } from '../../src/users/users.repository';
import { aUser, anAdmin, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(60_000);

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * A token never gains powers that its account lacked when it was issued: every token carries
 * its account's session version, and a password reset, a change of roles, a deactivation or a
 * promotion ends every session issued before it (401 SESSION_ENDED), on every instance within
 * AUTH_CACHE_MS. A new login works at once.
 */
describe('sessions end when their account changes', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    // No account cache on this instance: a change must show on the very next request.
    t = await startTestApp({ AUTH_CACHE_MS: '0' });
    admin = await anAdmin(t);
  });
  afterAll(() => t.close());

  const me = (token: string) => t.http.get('/users/me').set(bearer(token));
  const login = async (email: string, password: string): Promise<string> =>
    (await t.http.post('/users/login').send({ email, password }).expect(200)).body.token;
  async function expectEnded(token: string, path = '/users/me'): Promise<void> {
    const res = await t.http.get(path).set(bearer(token)).expect(401);
    expect(res.body.code).toBe('SESSION_ENDED');
  }

  it('a promotion by npm run admin:create ends the old token instead of making it an admin token', async () => {
    const ops = await aUser(t, 'ops');
    await t.http.get('/users').set(ops.auth).expect(403);
    const ds = await new DataSource(
      dataSourceOptions(t.url, validateEnv(process.env)),
    ).initialize();
    try {
      // What `npm run admin:create -- --email ... --password ...` runs.
      const promoted = await upsertAdmin(ds, ops.email, await hashPassword('ops-admin-pw-1'));
      expect(promoted).toMatchObject({ id: ops.id, existed: true, wasAdmin: false });
      expect(adminUpsertWarning(promoted)).toMatch(new RegExp(`${ops.email}.*promoted to ADMIN`));
    } finally {
      await ds.destroy();
    }
    await expectEnded(ops.token, '/users');
    const fresh = await login(ops.email, 'ops-admin-pw-1');
    await t.http.get('/users').set(bearer(fresh)).expect(200);
  });

  it('ADMIN_EMAIL promoting an existing account ends its sessions and warns naming it; a restart changes nothing', async () => {
    const later = await aUser(t, 'later');
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const boot = () =>
      startTestApp(
        { ADMIN_EMAIL: later.email, ADMIN_PASSWORD: 'later-admin-pw', AUTH_CACHE_MS: '0' },
        { databaseUrl: t.url },
      );
    try {
      await (await boot()).close();
      const warnings = warn.mock.calls.map((call) => String(call[0]));
      expect(warnings.filter((w) => w.includes(later.email))).toEqual([
        expect.stringMatching(/promoted to ADMIN.*every session of that account has ended/),
      ]);
      await expectEnded(later.token);
      const fresh = await login(later.email, 'later-admin-pw');
      await t.http.get('/users').set(bearer(fresh)).expect(200);

      // Starting again with the same settings leaves the admin and its sessions alone.
      warn.mockClear();
      await (await boot()).close();
      expect(warn.mock.calls.filter((call) => String(call[0]).includes(later.email))).toEqual([]);
      await t.http.get('/users').set(bearer(fresh)).expect(200);
    } finally {
      warn.mockRestore();
    }
  });

  it('a change of roles ends the sessions, in both directions; setting the same roles does not', async () => {
    const u = await aUser(t);
    await t.http
      .patch(`/users/${u.id}/roles`)
      .set(admin.auth)
      .send({ roles: ['USER'] })
      .expect(200);
    await me(u.token).expect(200);

    await t.http
      .patch(`/users/${u.id}/roles`)
      .set(admin.auth)
      .send({ roles: ['USER', 'ADMIN'] })
      .expect(200);
    await expectEnded(u.token);
    const asAdmin = await login(u.email, u.password);
    await t.http.get('/users').set(bearer(asAdmin)).expect(200);

    await t.http
      .patch(`/users/${u.id}/roles`)
      .set(admin.auth)
      .send({ roles: ['USER'] })
      .expect(200);
    await expectEnded(asAdmin, '/users');
    await me(await login(u.email, u.password)).expect(200);
  });

  it('a deactivation ends the sessions, and a reactivation does not revive them', async () => {
    const u = await aUser(t);
    await t.http
      .patch(`/users/${u.id}/active`)
      .set(admin.auth)
      .send({ isActive: false })
      .expect(200);
    const inactive = await me(u.token).expect(401);
    expect(inactive.body.code).toBe('ACCOUNT_INACTIVE');
    await t.http
      .patch(`/users/${u.id}/active`)
      .set(admin.auth)
      .send({ isActive: true })
      .expect(200);
    await expectEnded(u.token);
    await me(await login(u.email, u.password)).expect(200);
  });

  it("a password change ends every session, the caller's too, and answers with a new token", async () => {
    const u = await aUser(t);
    const otherDevice = await login(u.email, u.password);
    const res = await t.http
      .post('/users/me/password')
      .set(u.auth)
      .send({ currentPassword: u.password, newPassword: 'a-brand-new-password' })
      .expect(200);
    expect(res.body).toMatchObject({ id: u.id, email: u.email, roles: ['USER'] });
    await expectEnded(u.token);
    await expectEnded(otherDevice);
    await me(res.body.token).expect(200);
    await me(await login(u.email, 'a-brand-new-password')).expect(200);
    await t.http.post('/users/login').send({ email: u.email, password: u.password }).expect(401);
  });

  it('a wrong current password is 403 and changes nothing', async () => {
    const u = await aUser(t);
    const res = await t.http
      .post('/users/me/password')
      .set(u.auth)
      .send({ currentPassword: 'not-the-password', newPassword: 'a-brand-new-password' })
      .expect(403);
    expect(res.body.code).toBe('CURRENT_PASSWORD_WRONG');
    await me(u.token).expect(200);
    await login(u.email, u.password);
  });

  it('a stream token carries the session it was issued under', async () => {
    const u = await aUser(t);
    const issued = await t.http.post('/users/me/stream-tokens').set(u.auth).send({}).expect(201);
    await t.http
      .post('/users/me/password')
      .set(u.auth)
      .send({ currentPassword: u.password, newPassword: 'another-new-password' })
      .expect(200);
    const res = await t.http.get(issued.body.url).expect(401);
    expect(res.body.code).toBe('SESSION_ENDED');
  });

  it('a token without a session version is refused: it may predate a promotion', async () => {
    const u = await aUser(t);
    const now = Math.floor(Date.now() / 1000);
    const input = [
      { alg: 'HS256', typ: 'JWT' },
      { sub: String(u.id), roles: ['USER'], typ: 'access', iat: now, exp: now + 600 },
    ]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .join('.');
    const signature = createHmac('sha256', process.env.JWT_SECRET!)
      .update(input)
      .digest('base64url');
    const res = await me(`${input}.${signature}`).expect(401);
    expect(res.body.code).toBe('TOKEN_INVALID');
  });

  it('another instance refuses the old token within its AUTH_CACHE_MS', async () => {
    const cacheMs = 500;
    const other = await startTestApp({ AUTH_CACHE_MS: String(cacheMs) }, { databaseUrl: t.url });
    try {
      const u = await aUser(t);
      await other.http.get('/users/me').set(u.auth).expect(200); // now in its cache
      const changedAt = Date.now();
      await t.http
        .patch(`/users/${u.id}/roles`)
        .set(admin.auth)
        .send({ roles: ['USER', 'ADMIN'] })
        .expect(200);
      let status = 200;
      while (status === 200 && Date.now() - changedAt < 10 * cacheMs) {
        status = (await other.http.get('/users/me').set(u.auth)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 25));
      }
      expect(status).toBe(401);
      // The window is the cache's, plus the time of one request.
      expect(Date.now() - changedAt).toBeLessThan(cacheMs + 1_000);
    } finally {
      await other.close();
    }
  });
});
