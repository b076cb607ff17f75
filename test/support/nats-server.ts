import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/database/free-port';

/**
 * A NATS server with JetStream of the test's own, on a free port with a store in a temp folder,
 * so that a test can stop and restart it without touching anyone else's. It is the machine's
 * `nats-server` (Debian's package `nats-server`; NATS_SERVER_BIN names another): nothing is
 * downloaded, and a machine without it fails the test rather than skipping it.
 */
export interface TestNatsServer {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its store. */
  close(): Promise<void>;
}

const BINARY =
  process.env.NATS_SERVER_BIN ??
  ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) =>
    existsSync(p),
  );

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

export async function startNatsServer(): Promise<TestNatsServer> {
  if (!BINARY) {
    throw new Error(
      'nats-server was not found: install it (Debian: apt-get install nats-server) or set NATS_SERVER_BIN',
    );
  }
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), 'echo-nats-'));
  let child: ChildProcess | null = null;

  const start = async () => {
    child = spawn(BINARY, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    start,
    stop,
    close: async () => {
      await stop();
      rmSync(store, { recursive: true, force: true });
    },
  };
}
