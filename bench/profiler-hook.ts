/**
 * Preloaded (`node --require`) into the process the bench profiles, so that only the measured
 * part of one scenario is sampled, not the start-up or the warm-up. The first SIGUSR2 starts
 * V8's sampling profiler, the second stops it and writes the profile to BENCH_PROFILE_FILE.
 * Each step prints one line the bench waits for.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

export const PROFILE_STARTED = 'bench-profiler: started';
export const PROFILE_WRITTEN = 'bench-profiler: written';
export const PROFILE_FAILED = 'bench-profiler: failed';

/** Microseconds between samples, as `--cpu-prof` samples by default. */
const INTERVAL_US = 1000;

function install(file: string): void {
  const session = new Session();
  let running = false;
  let busy = false;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const post = (method: string, params?: object) =>
    new Promise<unknown>((done, fail) =>
      session.post(method, params ?? {}, (err, result) => (err ? fail(err) : done(result))),
    );

  const toggle = async () => {
    if (busy) return;
    busy = true;
    try {
      if (!running) {
        session.connect();
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: INTERVAL_US });
        await post('Profiler.start');
        running = true;
        say(PROFILE_STARTED);
      } else {
        const { profile } = (await post('Profiler.stop')) as { profile: unknown };
        running = false;
        session.disconnect();
        writeFileSync(`${file}.tmp`, JSON.stringify(profile));
        renameSync(`${file}.tmp`, file);
        say(PROFILE_WRITTEN);
      }
    } catch (err) {
      say(`${PROFILE_FAILED} ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      busy = false;
    }
  };
  process.on('SIGUSR2', () => void toggle());
}

if (process.env.BENCH_PROFILE_FILE) install(process.env.BENCH_PROFILE_FILE);
