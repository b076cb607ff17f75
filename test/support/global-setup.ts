import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/database/embedded-database';
import { migrate } from '../../src/database/migrate';
import { withDatabase } from './databases';

/**
 * Once per run: a PostgreSQL (TEST_DATABASE_URL, or an embedded one in a temp folder), and a
 * template database with every migration applied. Each test file clones the template, so files
 * run in parallel and never see each other's rows.
 */
export default async function globalSetup(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'echo-test-'));
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    // As root, a checkout its PostgreSQL account cannot reach stops here with one sentence.
    const embedded = await startEmbeddedPostgres({
      dataDir: scratch,
      persistent: false,
      database: 'postgres',
      waysOut: { dataDir: 'TMPDIR', server: 'TEST_DATABASE_URL' },
    }).catch((err: unknown) => {
      rmSync(scratch, { recursive: true, force: true });
      throw err;
    });
    (globalThis as { __echoEmbedded?: typeof embedded }).__echoEmbedded = embedded;
    serverUrl = embedded.url;
  }
  const template = `echo_tpl_${randomBytes(4).toString('hex')}`;
  const templateUrl = withDatabase(serverUrl, template);
  await ensureDatabase(templateUrl);
  await migrate(templateUrl);

  // Read by test/support/test-app.ts in the workers, which inherit this environment.
  process.env.ECHO_TEST_SERVER_URL = serverUrl;
  process.env.ECHO_TEST_TEMPLATE = template;
  process.env.NODE_ENV = 'test';
  process.env.JWT_SECRET = randomBytes(32).toString('hex');
  process.env.DATA_DIR = scratch;
  process.env.ECHO_TEST_CONTRACT_DIR = join(scratch, 'openapi-checks');
  process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
  // Every test registers and logs in from 127.0.0.1; the rate-limit tests set their own limits.
  process.env.RATE_LIMIT_REGISTER_PER_IP = '1000000';
  process.env.RATE_LIMIT_LOGIN_PER_IP = '1000000';
  process.env.RATE_LIMIT_LOGIN_PER_ACCOUNT = '1000000';
  process.env.RATE_LIMIT_MESSAGES_PER_THREAD = '1000000';
  // Passwords hash at OWASP's cheapest accepted argon2id configuration (19 MiB, 2 passes, one
  // lane): still argon2id, at about a quarter of the default's time on a quarter of its threads.
  // Every test registers users; at the default costs hashing took a quarter of the run's CPU.
  // The burst test runs at the defaults; users.e2e-spec.ts logs in against a default-cost hash.
  process.env.PASSWORD_HASH_MEMORY_KIB = '19456';
  process.env.PASSWORD_HASH_TIME_COST = '2';
  process.env.PASSWORD_HASH_PARALLELISM = '1';
}
