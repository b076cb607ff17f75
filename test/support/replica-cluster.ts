import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../src/database/free-port';

/**
 * A PostgreSQL primary and a real streaming replica of it, made for one test file with the
 * machine's PostgreSQL binaries (Debian's postgresql package; PG_BIN names another folder):
 * `initdb` for the primary, `pg_basebackup -R` for the replica, each on a free port with its
 * data in a temp folder. As root they run as the `postgres` user, as PostgreSQL requires.
 * A machine without the binaries fails the test rather than skipping it.
 */
export interface ReplicaCluster {
  primaryUrl: string;
  replicaUrl: string;
  /** Runs SQL on the replica (e.g. pg_wal_replay_pause()). */
  onReplica(sql: string): Promise<unknown[]>;
  close(): Promise<void>;
}

function findBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions
    .map((v) => join(root, v, 'bin'))
    .find((b) => existsSync(join(b, 'pg_basebackup')));
  if (!bin) {
    throw new Error(
      'PostgreSQL server binaries were not found: install the postgresql package, or set PG_BIN',
    );
  }
  return bin;
}

const asRoot = process.getuid?.() === 0;
const pgUser = () => {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  return { uid, gid };
};

/** Runs a PostgreSQL binary to completion, as `postgres` when the tests run as root. */
function run(bin: string, args: string[]): void {
  const options = asRoot ? { ...pgUser(), stdio: 'pipe' as const } : { stdio: 'pipe' as const };
  execFileSync(bin, args, options);
}

function serve(bin: string, dataDir: string, port: number, socketDir: string): ChildProcess {
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'];
  args.push('-c', `unix_socket_directories=${socketDir}`, '-c', 'wal_level=replica');
  args.push('-c', 'max_wal_senders=4', '-c', 'fsync=off');
  return spawn(join(bin, 'postgres'), args, {
    stdio: 'ignore',
    ...(asRoot ? pgUser() : {}),
  });
}

async function ready(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startReplicaCluster(): Promise<ReplicaCluster> {
  const bin = findBin();
  const root = mkdtempSync(join(tmpdir(), 'echo-replica-'));
  if (asRoot) {
    const { uid, gid } = pgUser();
    chownSync(root, uid, gid);
  }
  chmodSync(root, 0o700);
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  const processes: ChildProcess[] = [];

  run(join(bin, 'initdb'), [
    '-D',
    primaryDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  processes.push(serve(bin, primaryDir, primaryPort, root));
  const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
  await ready(primaryUrl);
  // A base backup that writes standby.signal and primary_conninfo: a streaming replica.
  run(join(bin, 'pg_basebackup'), [
    '-h',
    '127.0.0.1',
    '-p',
    String(primaryPort),
    '-U',
    'postgres',
    '-D',
    replicaDir,
    '-R',
    '-X',
    'stream',
  ]);
  processes.push(serve(bin, replicaDir, replicaPort, root));
  const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;
  await ready(replicaUrl);

  return {
    primaryUrl,
    replicaUrl,
    onReplica: async (sql) => {
      const client = new Client({ connectionString: replicaUrl });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    },
    close: async () => {
      for (const p of processes.reverse()) {
        if (p.exitCode !== null) continue;
        const exited = new Promise((r) => p.once('exit', r));
        p.kill('SIGINT'); // fast shutdown
        await exited;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
