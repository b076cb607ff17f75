import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from '../src/database/embedded-database';

export interface Served {
  name: string;
  url: string;
  pid: number;
  /** The last lines it printed, for error messages. */
  output(): string;
  /** Resolves with the first line it prints from now on that starts with one of `prefixes`. */
  nextLine(prefixes: string[], timeoutMs: number): Promise<string>;
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** Profiling of a served process by bench/profiler-hook.ts: where the profile is written. */
export interface ProfileHook {
  file: string;
}

async function waitForReady(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${url} did not become ready. Its output:\n${output()}`);
}

/**
 * Starts a node program as a child process on a free loopback port with only the given
 * environment (plus PATH and HOME), and waits until GET /health/ready answers 200.
 */
export async function startNode(
  name: string,
  root: string,
  script: string,
  env: Record<string, string>,
  nodeFlags: string[] = [],
  stdoutFile: string | null = null,
): Promise<Served> {
  const entry = join(root, script);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build first (npm run bench)`);
  const port = await freePort();
  const lines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  if (stdoutFile) mkdirSync(dirname(stdoutFile), { recursive: true });
  const stdout = stdoutFile ? openSync(stdoutFile, 'w') : 'pipe';
  const child = spawn(process.execPath, [...nodeFlags, entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    // A program that logs every request writes to a file, as it would for a log shipper;
    // piped here, the runner (which shares the cores) would pay for reading every line.
    stdio: ['ignore', stdout, 'pipe'],
  });
  if (typeof stdout === 'number') closeSync(stdout); // the child holds its own copy
  const keep = (chunk: Buffer) => {
    const added = chunk.toString().split('\n').filter(Boolean);
    lines.push(...added);
    if (lines.length > 40) lines.splice(0, lines.length - 40);
    for (const line of added) for (const waiter of [...waiters]) waiter(line);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const output = () => lines.join('\n');
  const url = `http://127.0.0.1:${port}`;
  await waitForReady(url, child, output);
  return {
    name,
    url,
    pid: child.pid ?? 0,
    output,
    nextLine: (prefixes, timeoutMs) =>
      new Promise<string>((done, fail) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          fail(new Error(`${name} printed none of ${prefixes.join(', ')} in ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (line: string) => {
          if (!prefixes.some((p) => line.startsWith(p))) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          done(line);
        };
        waiters.add(waiter);
      }),
    signal: (signal) => {
      child.kill(signal);
    },
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(force);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Node flags and environment that preload the profiler hook (bench/profiler-hook.ts). */
function profiling(
  root: string,
  hook: ProfileHook | null,
): { flags: string[]; env: Record<string, string> } {
  if (!hook) return { flags: [], env: {} };
  mkdirSync(dirname(hook.file), { recursive: true });
  return {
    flags: ['--require', join(root, 'dist', 'bench', 'profiler-hook.js')],
    env: { BENCH_PROFILE_FILE: hook.file },
  };
}

/**
 * The service as production runs it: the build, NODE_ENV=production, logs at warn. One
 * instance, so its rate-limit counters stay in its memory (RATE_LIMIT_STORE=memory), as a
 * single instance may keep them; with the production default (postgres, for several instances)
 * every limited request would also send an upsert that the floor does not.
 */
export function startService(
  root: string,
  databaseUrl: string,
  jwtSecret: string,
  profile: ProfileHook | null,
): Promise<Served> {
  const hook = profiling(root, profile);
  return startNode(
    'service',
    root,
    'dist/src/main.js',
    {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: jwtSecret,
      // LOG_LEVEL is left at its default (info): the access log is part of what a request
      // costs in production.
      RATE_LIMIT_STORE: 'memory',
      ...hook.env,
    },
    hook.flags,
    join(root, 'bench', 'results', 'service.log'),
  );
}

export function startFloor(
  root: string,
  databaseUrl: string,
  jwtSecret: string,
  profile: ProfileHook | null,
) {
  const hook = profiling(root, profile);
  return startNode(
    'floor',
    root,
    'dist/bench/floor/server.js',
    { DATABASE_URL: databaseUrl, JWT_SECRET: jwtSecret, ...hook.env },
    hook.flags,
  );
}
