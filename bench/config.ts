import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** How big the seeded marketplace is. Two shapes, kept in different databases. */
export interface Shape {
  name: 'full' | 'quick';
  users: number;
  /** Users 5 .. 4 + creators own listings (besides the star and the small creator). */
  creators: number;
  items: number;
  /** Listings of the star creator; the small creator has 2. */
  starItems: number;
  orders: number;
  busyBuyerOrders: number;
  starOrders: number;
  starReviews: number;
  smallOrders: number;
  smallCompleted: number;
  smallReviews: number;
  /** At least this many order messages. */
  messages: number;
  /** One order in `hotEvery` is a long thread of `hotMessages` messages. */
  hotEvery: number;
  hotMessages: number;
  reviews: number;
  disputes: number;
  openDisputes: number;
  /** The deep page of the busy buyer's orders starts after this many orders. */
  deepOffset: number;
  /** Orders per seeding statement. */
  chunk: number;
}

export const FULL: Shape = {
  name: 'full',
  users: 10_000,
  creators: 2_000,
  items: 50_000,
  starItems: 120,
  orders: 1_000_000,
  busyBuyerOrders: 10_000,
  starOrders: 115_000,
  starReviews: 100_000,
  smallOrders: 20,
  smallCompleted: 12,
  smallReviews: 10,
  messages: 5_000_000,
  hotEvery: 1_000,
  hotMessages: 200,
  reviews: 300_000,
  disputes: 50_000,
  openDisputes: 10_000,
  deepOffset: 9_000,
  chunk: 100_000,
};

export const QUICK: Shape = {
  name: 'quick',
  users: 1_000,
  creators: 200,
  items: 2_000,
  starItems: 20,
  orders: 20_000,
  busyBuyerOrders: 1_000,
  starOrders: 2_300,
  starReviews: 2_000,
  smallOrders: 20,
  smallCompleted: 12,
  smallReviews: 10,
  messages: 100_000,
  hotEvery: 200,
  hotMessages: 120,
  reviews: 6_000,
  disputes: 1_000,
  openDisputes: 200,
  deepOffset: 900,
  chunk: 20_000,
};

/** The fixed cast of the seeded data (ids are assigned by the seed, not by sequences). */
export const ADMIN_ID = 1;
export const BUSY_BUYER_ID = 2;
export const STAR_CREATOR_ID = 3;
export const SMALL_CREATOR_ID = 4;
/** Every seeded user can log in with this password (one argon2 hash shared by all). */
export const BENCH_PASSWORD = 'echo-bench-2026';

export interface BenchOptions {
  shape: Shape;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Where the JSON results go. */
  out: string;
  /** Full runs also write bench/RESULTS.md and bench/EXPLAIN.md. */
  writeReports: boolean;
  /**
   * Profile the process serving this scenario while it is measured (bench/profiles/); runs
   * only this scenario.
   */
  profile: string | null;
  /** Only these scenario ids (for investigating one route). */
  only: string[] | null;
  root: string;
}

/** The repository root: the nearest folder above this file holding package.json. */
export function repoRoot(from = __dirname): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`No package.json above ${from}`);
    dir = up;
  }
  return dir;
}

const USAGE = `usage: npm run bench [-- --quick] [--duration S] [--warmup S] [--only a,b] [--out FILE]
                 [--profile SCENARIO]

  --quick        small data set (database echo_bench_quick), 2 s per scenario
  --duration S   seconds measured per scenario (default 10, quick 2)
  --warmup S     seconds of warm-up before each scenario (default 3, quick 0.5)
  --only a,b     run only these scenarios (ids as printed in the table)
  --out FILE     where to write the JSON results
  --profile ID   run only scenario ID and CPU-profile the process serving it while it is
                 measured: bench/profiles/ID.cpuprofile and the summary bench/profiles/ID.md

Environment: BENCH_DATABASE_URL=postgres://... to use that database instead of the embedded
PostgreSQL kept in ./.data-bench. The database is seeded once and reused.`;

export function parseArgs(argv: string[], root = repoRoot()): BenchOptions {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`Unexpected argument ${argv[i]}\n${USAGE}`);
    const takesValue = ['duration', 'warmup', 'only', 'out', 'profile'].includes(m[1]);
    if (!takesValue && !['quick', 'help'].includes(m[1])) {
      throw new Error(`Unknown option --${m[1]}\n${USAGE}`);
    }
    flags.set(m[1], takesValue ? (m[2] ?? argv[++i] ?? '') : true);
  }
  if (flags.has('help')) throw new Error(USAGE);
  const quick = flags.has('quick');
  const seconds = (name: string, fallback: number) => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be seconds > 0`);
    return value;
  };
  const out = flags.get('out');
  const profile = flags.get('profile');
  if (profile !== undefined && (typeof profile !== 'string' || !/^[a-z@-]+$/.test(profile))) {
    throw new Error(`--profile takes the id of one scenario, e.g. --profile get-order\n${USAGE}`);
  }
  const listed = flags.get('only');
  if (profile && typeof listed === 'string' && listed !== profile) {
    throw new Error(`--profile ${profile} runs that scenario only; leave out --only`);
  }
  const only = profile ?? listed;
  const custom = typeof out === 'string';
  return {
    shape: quick ? QUICK : FULL,
    connections: 32,
    warmupSeconds: seconds('warmup', quick ? 0.5 : 3),
    durationSeconds: seconds('duration', quick ? 2 : 10),
    // bench/results/latest.json is the committed full run: a partial run does not replace it.
    out: custom
      ? resolve(out)
      : join(
          root,
          'bench',
          'results',
          quick ? 'quick.json' : typeof only === 'string' ? 'partial.json' : 'latest.json',
        ),
    writeReports: !quick && !custom && typeof only !== 'string',
    profile: profile ?? null,
    only: typeof only === 'string' ? only.split(',').filter(Boolean) : null,
    root,
  };
}
