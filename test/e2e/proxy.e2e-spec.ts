import { freePort } from '../../src/database/free-port';
import { cloneTemplate } from '../support/databases';
import { startMain } from '../support/main-process';
import { startTestApp, type TestApp } from '../support/test-app';

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits out a rate-limit window about to end, so that a group of attempts never straddles two.
 * The margin is wide: each attempt verifies a password hash, slow by design, and slower still
 * on a busy machine.
 */
async function awayFromWindowEdge(marginMs = 20_000): Promise<void> {
  const left = MINUTE - (Date.now() % MINUTE);
  if (left < marginMs) await sleep(left + 100);
}

/** A login attempt (always 401: no such account) as the client `forwardedFor` says, if any. */
const attempt = (t: TestApp, forwardedFor?: string) => {
  const req = t.http
    .post('/users/login')
    .send({ email: 'nobody@example.com', password: 'not-a-password' });
  return forwardedFor === undefined ? req : req.set('X-Forwarded-For', forwardedFor);
};

const statuses = async (t: TestApp, clients: (string | undefined)[]) => {
  const out: number[] = [];
  for (const client of clients) out.push((await attempt(t, client)).status);
  return out;
};

jest.setTimeout(120_000);

/**
 * The client address that per-IP limits and logs use (Fastify's request.ip) is taken from
 * X-Forwarded-For only when the peer that sent it is a trusted proxy (TRUST_PROXY).
 */
describe('behind a proxy: TRUST_PROXY', () => {
  describe('unset (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_LOGIN_PER_IP: '3' });
    });
    afterAll(() => t.close());

    it('ignores X-Forwarded-For: a client cannot dodge the per-IP limit by spoofing it', async () => {
      await awayFromWindowEdge();
      const spoofed = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4', '198.51.100.1'];
      expect(await statuses(t, spoofed)).toEqual([401, 401, 401, 429, 429]);
      expect(await statuses(t, [undefined])).toEqual([429]);
    });
  });

  describe('set to the address of the proxy (here the loopback the test connects from)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_LOGIN_PER_IP: '3', TRUST_PROXY: '127.0.0.1' });
    });
    afterAll(() => t.close());

    it('gives each forwarded client its own limit', async () => {
      await awayFromWindowEdge();
      const a = '203.0.113.10';
      const b = '203.0.113.20';
      expect(await statuses(t, [a, a, a, a])).toEqual([401, 401, 401, 429]);
      // Another client behind the same proxy is not held back by the first.
      await awayFromWindowEdge();
      expect(await statuses(t, [b, b, b, b])).toEqual([401, 401, 401, 429]);
      // Nor is the proxy itself, asking without X-Forwarded-For.
      expect(await statuses(t, [undefined])).toEqual([401]);
    });

    it('counts the address the trusted proxy saw, not one the client wrote in front of it', async () => {
      await awayFromWindowEdge();
      const c = '203.0.113.30';
      expect(await statuses(t, [c, c, c])).toEqual([401, 401, 401]);
      // The client sent "X-Forwarded-For: 198.51.100.7"; the proxy appended the real peer.
      expect(await statuses(t, [`198.51.100.7, ${c}`, `198.51.100.8, ${c}`])).toEqual([429, 429]);
    });
  });

  describe('set to another address than the peer', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_LOGIN_PER_IP: '2', TRUST_PROXY: '10.0.0.0/8' });
    });
    afterAll(() => t.close());

    it('ignores X-Forwarded-For from a peer that is not one of the proxies', async () => {
      await awayFromWindowEdge();
      expect(await statuses(t, ['203.0.113.40', '203.0.113.41', '203.0.113.42'])).toEqual([
        401, 401, 429,
      ]);
    });
  });

  it('logs the client address as the limits see it', async () => {
    const db = await cloneTemplate();
    const port = await freePort();
    const run = startMain({
      DATABASE_URL: db.url,
      PORT: String(port),
      TRUST_PROXY: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    try {
      await run.printed('ECHO is listening');
      const get = (headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${port}/health`, { headers });
      expect(
        (await get({ 'X-Request-Id': 'via-proxy', 'X-Forwarded-For': '203.0.113.50' })).status,
      ).toBe(200);
      expect((await get({ 'X-Request-Id': 'direct' })).status).toBe(200);
      await run.printed('"id":"direct"');
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
      await db.drop();
    }
    const completed = run
      .output()
      .stdout.split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; req?: { id: string; ip: string } })
      .filter((entry) => entry.msg === 'request completed');
    expect(completed.map((entry) => entry.req)).toEqual([
      { id: 'via-proxy', method: 'GET', url: '/health', ip: '203.0.113.50' },
      { id: 'direct', method: 'GET', url: '/health', ip: '127.0.0.1' },
    ]);
  });
});
