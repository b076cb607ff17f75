import { createHmac, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { aUser, anAdmin, anItem, type TestUser } from '../support/factories';
import { closeAllStreams, openStream } from '../support/sse';
import { startTestApp, type TestApp } from '../support/test-app';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
type Signer = (input: string) => string;
const hmac =
  (algo: 'sha256' | 'sha384' | 'sha512', secret = process.env.JWT_SECRET!): Signer =>
  (input) =>
    createHmac(algo, secret).update(input).digest('base64url');

/** A JWT with exactly this header and these claims, signed by `sign` (or unsigned). */
function aToken(alg: string, claims: object, sign: Signer = () => ''): string {
  const input = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${sign(input)}`;
}

jest.setTimeout(30_000);

/** API2: only a genuine, current HS256 access token of an active account gets in. */
describe('authentication: which tokens open the API', () => {
  let t: TestApp;
  let base: string;
  let user: TestUser, admin: TestUser;

  beforeAll(async () => {
    // No account cache: a deactivation must show on the very next request.
    t = await startTestApp({ AUTH_CACHE_MS: '0' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    [user, admin] = await Promise.all([aUser(t), anAdmin(t)]);
  });
  afterEach(() => closeAllStreams());
  afterAll(() => t.close());

  const claimsOf = (u: { id: number }, extra: object = {}) => ({
    sub: String(u.id),
    roles: ['USER'],
    typ: 'access',
    sv: 1, // the session version of an account never changed since it was made
    iat: now(),
    exp: now() + 600,
    ...extra,
  });
  /**
   * Another account with `user`'s password, put straight into the database (password hashing is
   * slow by design), with an access token signed exactly as the app signs its own.
   */
  const aTwin = async (prefix: string): Promise<TestUser> => {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    const email = `${name}@example.com`;
    const { rows } = await t.sql.query(
      `INSERT INTO users (email, username, password_hash)
       SELECT $1, $2, password_hash FROM users WHERE id = $3 RETURNING id`,
      [email, name, user.id],
    );
    const id: number = rows[0].id;
    const token = aToken('HS256', claimsOf({ id }), hmac('sha256'));
    return {
      id,
      email,
      username: name,
      password: user.password,
      token,
      auth: { Authorization: `Bearer ${token}` },
    };
  };
  /** The status of GET /users/me, and of the caller's event stream, with this bearer token. */
  const statuses = async (token: string) => {
    const headers = { Authorization: `Bearer ${token}` };
    const rest = await t.http.get('/users/me').set(headers);
    const stream = await openStream(`${base}/users/me/events`, headers);
    stream.close();
    if (rest.status === 401) {
      expect(rest.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
    return { rest: rest.status, stream: stream.status };
  };
  const REFUSED = { rest: 401, stream: 401 };

  it('lets in a token signed the way the app signs, and its own login token', async () => {
    expect(await statuses(aToken('HS256', claimsOf(user), hmac('sha256')))).toEqual({
      rest: 200,
      stream: 200,
    });
    expect(await statuses(user.token)).toEqual({ rest: 200, stream: 200 });
  });

  describe('refuses with 401', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa: Signer = (input) =>
      createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
    const tokens: [string, (u: TestUser) => string][] = [
      [
        'an expired token',
        (u) => aToken('HS256', claimsOf(u, { exp: now() - 10 }), hmac('sha256')),
      ],
      [
        'a token not valid yet (nbf in the future)',
        (u) => aToken('HS256', claimsOf(u, { nbf: now() + 600 }), hmac('sha256')),
      ],
      [
        'tampered claims under the original signature',
        (u) => {
          const [head, , signature] = u.token.split('.');
          return `${head}.${b64(claimsOf(u, { roles: ['USER', 'ADMIN'] }))}.${signature}`;
        },
      ],
      [
        'a tampered signature',
        (u) => {
          const [head, body, signature] = u.token.split('.');
          const flipped = signature[5] === 'A' ? 'B' : 'A';
          return `${head}.${body}.${signature.slice(0, 5)}${flipped}${signature.slice(6)}`;
        },
      ],
      ['alg none, unsigned', (u) => aToken('none', claimsOf(u))],
      ['alg None, unsigned', (u) => aToken('None', claimsOf(u))],
      ['alg none, with an HS256 signature', (u) => aToken('none', claimsOf(u), hmac('sha256'))],
      [
        'alg RS256, signed with the HMAC secret as if it were the public key',
        (u) => aToken('RS256', claimsOf(u), hmac('sha256')),
      ],
      ['alg RS256, signed with a generated RSA key', (u) => aToken('RS256', claimsOf(u), rsa)],
      [
        'alg HS256, signed with an RSA public key as the secret',
        (u) =>
          aToken(
            'HS256',
            claimsOf(u),
            hmac('sha256', publicKey.export({ type: 'spki', format: 'pem' }).toString()),
          ),
      ],
      ['alg HS512, with the right secret', (u) => aToken('HS512', claimsOf(u), hmac('sha512'))],
      ['alg HS384, with the right secret', (u) => aToken('HS384', claimsOf(u), hmac('sha384'))],
      [
        'HS256 signed with another secret',
        (u) => aToken('HS256', claimsOf(u), hmac('sha256', 'y'.repeat(64))),
      ],
      ['no typ claim', (u) => aToken('HS256', claimsOf(u, { typ: undefined }), hmac('sha256'))],
      ['a non-numeric subject', (u) => aToken('HS256', claimsOf(u, { sub: 'me' }), hmac('sha256'))],
      [
        'an unknown role in its claims',
        (u) => aToken('HS256', claimsOf(u, { roles: ['ROOT'] }), hmac('sha256')),
      ],
      [
        'the id of a user who never existed',
        () => aToken('HS256', claimsOf({ id: 2_147_483_647 }), hmac('sha256')),
      ],
      ['not a JWT at all', () => 'not.a.jwt'],
    ];

    it.each(tokens)('%s', async (_name, make) => {
      expect(await statuses(make(user))).toEqual(REFUSED);
    });

    it('a stream token (typ stream) used as a bearer token', async () => {
      const seller = await aTwin('seller');
      const itemId = (await anItem(t, seller)).id;
      const order = await t.http.post('/orders').set(user.auth).send({ itemId }).expect(201);
      for (const request of [{}, { orderId: order.body.id }]) {
        const res = await t.http
          .post('/users/me/stream-tokens')
          .set(user.auth)
          .send(request)
          .expect(201);
        expect(await statuses(res.body.token)).toEqual(REFUSED);
        const headers = { Authorization: `Bearer ${res.body.token}` };
        await t.http.get(`/orders/${order.body.id}`).set(headers).expect(401);
        // It still opens its own stream, through ?token= and nowhere else.
        const own = await openStream(`${base}${res.body.url}`);
        own.close();
        expect(own.status).toBe(200);
      }
    });

    it('the token of a user who has since been deleted', async () => {
      const gone = await aTwin('gone');
      await t.http.get('/users/me').set(gone.auth).expect(200);
      await t.sql.query('DELETE FROM users WHERE id = $1', [gone.id]);
      expect(await statuses(gone.token)).toEqual(REFUSED);
    });

    it('a token passed anywhere but the Authorization header', async () => {
      await t.http.get(`/users/me?access_token=${user.token}`).expect(401);
      await t.http.get('/users/me').set('Cookie', `token=${user.token}`).expect(401);
      await t.http.get('/users/me').set('Authorization', user.token).expect(401);
      await t.http.get('/users/me').set('Authorization', 'Bearer ').expect(401);
    });
  });

  it('takes roles from the account, not from the token', async () => {
    const claimsAdmin = aToken(
      'HS256',
      claimsOf(user, { roles: ['USER', 'ADMIN'] }),
      hmac('sha256'),
    );
    await t.http.get('/users').set('Authorization', `Bearer ${claimsAdmin}`).expect(403);
    // anAdmin was promoted after it registered, which raised its session version.
    const { rows } = await t.sql.query('SELECT session_version FROM users WHERE id = $1', [
      admin.id,
    ]);
    const claimsUser = aToken(
      'HS256',
      claimsOf(admin, { roles: ['USER'], sv: rows[0].session_version }),
      hmac('sha256'),
    );
    await t.http.get('/users').set('Authorization', `Bearer ${claimsUser}`).expect(200);
  });

  it('stops a deactivated account’s tokens on the next request, streams included', async () => {
    const u = await aTwin('leaving');
    const streamToken = (
      await t.http.post('/users/me/stream-tokens').set(u.auth).send({}).expect(201)
    ).body;
    expect(await statuses(u.token)).toEqual({ rest: 200, stream: 200 });
    await t.http
      .patch(`/users/${u.id}/active`)
      .set(admin.auth)
      .send({ isActive: false })
      .expect(200);
    expect(await statuses(u.token)).toEqual(REFUSED);
    await t.http.get('/orders').set(u.auth).expect(401);
    const viaQuery = await openStream(`${base}${streamToken.url}`);
    viaQuery.close();
    expect(viaQuery.status).toBe(401);
    await t.http.post('/users/login').send({ email: u.email, password: u.password }).expect(401);

    await t.http
      .patch(`/users/${u.id}/active`)
      .set(admin.auth)
      .send({ isActive: true })
      .expect(200);
    // A reactivation does not revive the tokens of before: their session ended.
    expect(await statuses(u.token)).toEqual(REFUSED);
    await t.http.post('/users/login').send({ email: u.email, password: u.password }).expect(200);
  });

  it('with an account cache, stops a deactivated account within AUTH_CACHE_MS', async () => {
    const CACHE_MS = 300;
    // A second instance on the same database, caching account status as production does.
    const second = await startTestApp({ AUTH_CACHE_MS: String(CACHE_MS) }, { databaseUrl: t.url });
    try {
      const u = await aTwin('cached');
      await second.http.get('/users/me').set(u.auth).expect(200); // now in its cache
      // Deactivated through the other instance, as an admin would.
      await t.http
        .patch(`/users/${u.id}/active`)
        .set(admin.auth)
        .send({ isActive: false })
        .expect(200);
      const since = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - since < CACHE_MS + 4000) {
        status = (await second.http.get('/users/me').set(u.auth)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 20));
      }
      expect(status).toBe(401);
      // The window plus room for a loaded machine's slow requests, still well below what the
      // 5 s default would allow: the configured window is what ends the session.
      expect(Date.now() - since).toBeLessThan(CACHE_MS + 2000);
    } finally {
      await second.close();
    }
  });
});
