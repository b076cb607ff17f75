import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';

const ROOT = resolve(__dirname, '..', '..');

export interface MainProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Resolves once stdout contains `text`. */
  printed(text: string, timeoutMs?: number): Promise<void>;
}

/**
 * `npm start` without a build: the real src/main.ts in a process of its own, compiled on load
 * (test/support/swc-register.js), on this process's environment plus `env` (an undefined value
 * removes a variable).
 */
export function startMain(env: Record<string, string | undefined>): MainProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1' };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
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
  let ended = false;
  void exited.then(() => (ended = true));
  return {
    child,
    output: () => ({ stdout, stderr }),
    exited,
    printed: async (text, timeoutMs = 90_000) => {
      const end = Date.now() + timeoutMs;
      while (!stdout.includes(text)) {
        if (ended || Date.now() > end) {
          throw new Error(`"${text}" never came. stdout:\n${stdout}\nstderr:\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
