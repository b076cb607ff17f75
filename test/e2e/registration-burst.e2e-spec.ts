import { webcrypto } from 'node:crypto';
import { DEFAULT_PASSWORD_HASH_COST } from '../../src/config/env.validation';
import { startTestApp, type TestApp } from '../support/test-app';

const BURST = 20;

/**
 * The key derivation a new PostgreSQL connection runs for SCRAM authentication (pg uses
 * WebCrypto PBKDF2, 4096 rounds): a job on libuv's thread pool, like every argon2 hash.
 */
async function scramKeyDerivation(): Promise<void> {
  const key = await webcrypto.subtle.importKey('raw', Buffer.from('secret'), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const salt = Buffer.from('salt');
  await webcrypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 4096 },
    key,
    256,
  );
}

/**
 * Registrations hash with argon2 on libuv's thread pool, which new database connections need
 * too (SCRAM). Unbounded, a burst of hashes queued ahead of a connection's handshake, the
 * connection outwaited DB_CONNECT_TIMEOUT_MS, and some of 20 simultaneous registrations got 503.
 */
describe('POST /users/register under a burst', () => {
  let t: TestApp;
  // A fresh app: its pool opens connections during the burst, as after a start or a quiet spell.
  // Hashes at the default costs (the other tests hash cheaper), so each holds its thread long.
  beforeAll(async () => {
    t = await startTestApp({
      PASSWORD_HASH_MEMORY_KIB: String(DEFAULT_PASSWORD_HASH_COST.memoryCost),
      PASSWORD_HASH_TIME_COST: String(DEFAULT_PASSWORD_HASH_COST.timeCost),
      PASSWORD_HASH_PARALLELISM: String(DEFAULT_PASSWORD_HASH_COST.parallelism),
    });
  });
  afterAll(() => t.close());

  it(`answers ${BURST} simultaneous registrations with 201, and leaves pool threads for new connections meanwhile`, async () => {
    let answered = 0;
    const registrations = Array.from({ length: BURST }, async (_, i) => {
      const res = await t.http
        .post('/users/register')
        .send({ email: `burst.${i}@example.com`, username: `burst_${i}`, password: 'long enough' });
      answered++;
      return { status: res.status, code: res.body.code as string | undefined };
    });
    // Once one has answered, the others are all hashing or waiting to: a connection's key
    // derivation started now must not wait for their hashes.
    await Promise.race(registrations);
    const answeredBefore = answered;
    await scramKeyDerivation();
    const answeredWhileDeriving = answered - answeredBefore;

    const answers = await Promise.all(registrations);
    expect(answers).toEqual(Array(BURST).fill({ status: 201, code: undefined }));
    // Unbounded, about BURST - 4 hashes were queued ahead of it; bounded, at most two run.
    expect(answeredWhileDeriving).toBeLessThanOrEqual(2);
    const { rows } = await t.sql.query(
      `SELECT count(*)::int AS n FROM users WHERE email LIKE 'burst.%'`,
    );
    expect(rows[0].n).toBe(BURST);
  }, 120_000);
});
