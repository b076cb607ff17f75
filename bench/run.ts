/**
 * `npm run bench`: seeds (or reuses) a marketplace-shaped database, starts the built service
 * in production mode and the bare floor server beside it, drives both with autocannon and
 * writes the results. See bench/README.md.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Client } from 'pg';
import { migrate } from '../src/database/migrate';
import { chooseCast } from './cast';
import { parseArgs, type BenchOptions } from './config';
import { openBenchDatabase, redactUrl } from './database';
import { explainScenarios, type ExplainedScenario } from './explain';
import { measure, type MeasuredWindow } from './load';
import { checkParity, type Parity } from './parity';
import { startFloor, startService, type ProfileHook, type Served } from './processes';
import { summariseProfile, type CpuProfile } from './profile';
import { PROFILE_FAILED, PROFILE_STARTED, PROFILE_WRITTEN } from './profiler-hook';
import {
  checkTargets,
  explainMarkdown,
  printable,
  ratios,
  resultsMarkdown,
  type BenchResults,
  type Bounds,
  type ScenarioResult,
} from './report';
import { messageContent, scenarios, type Scenario, type Target } from './scenarios';
import { datasetState, resetToSeeded, seed, type DatasetMeta } from './seed';
import { floorSqlDifferences } from './service-sql';
import { BENCH_JWT_SECRET } from './tokens';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** VmHWM: the highest RSS the process has had since it started, in MB. */
function highWaterMb(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/**
 * A connection of the runner's own. It hears its errors: a connection the server ends then
 * fails the statement that meets it, rather than being thrown from pg's parser and ending the
 * run with no context.
 */
function runnerClient(connectionString: string): Client {
  const client = new Client({ connectionString });
  client.on('error', (err) => log(`Database connection lost: ${err.message}`));
  return client;
}

/** Drops and recreates the database in `url` (a seed that was interrupted half way). */
async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1)).replace(/"/g, '""');
  target.pathname = '/postgres';
  const admin = runnerClient(target.toString());
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

/** Migrates, then seeds unless the database already holds this shape's data set. */
async function prepareData(url: string, options: BenchOptions): Promise<DatasetMeta> {
  let client = runnerClient(url);
  await client.connect();
  try {
    const state = await datasetState(client, options.shape);
    if (state.kind === 'other-shape') {
      throw new Error(
        `This database holds the ${state.shape} data set, not the ${options.shape.name} one; ` +
          'point BENCH_DATABASE_URL at another database.',
      );
    }
    if (state.kind === 'foreign') {
      throw new Error(
        'This database has users but was not seeded by the benchmark; give the benchmark an ' +
          'empty database of its own (BENCH_DATABASE_URL).',
      );
    }
    if (state.kind === 'interrupted') {
      log('An earlier seed was interrupted: recreating the database.');
      await client.end();
      await recreateDatabase(url);
      client = runnerClient(url);
      await client.connect();
    }
    await migrate(url);
    let meta: DatasetMeta;
    if (state.kind === 'ready') {
      meta = state.meta;
      log(`Reusing the ${options.shape.name} data set seeded ${meta.seededAt}.`);
    } else {
      log(`Seeding the ${options.shape.name} data set (once; later runs reuse it):`);
      meta = await seed(client, options.shape, log);
      log(`Seeded in ${meta.seedSeconds} s.`);
    }
    const removed = await resetToSeeded(client, meta);
    if (removed) log(`Removed ${removed} rows written by earlier runs.`);
    return meta;
  } finally {
    await client.end();
  }
}

async function datasetCounts(client: Client): Promise<Record<string, number>> {
  const tables: [string, string][] = [
    ['users', 'users'],
    ['listings', 'items'],
    ['orders', 'orders'],
    ['order messages', 'order_messages'],
    ['reviews', 'reviews'],
    ['disputes', 'disputes'],
  ];
  const counts: Record<string, number> = {};
  for (const [label, table] of tables) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    counts[label] = Number(rows[0].n);
  }
  return counts;
}

/** A path as the user typed it: relative to the repository when it is inside it. */
const rel = (root: string, file: string) =>
  file.startsWith(`${root}/`) ? relative(root, file) : file;

/** bench/bounds.json: what bounds each missed target, one sentence each, written by hand. */
function readBounds(root: string): Bounds {
  const file = join(root, 'bench', 'bounds.json');
  if (!existsSync(file)) return {};
  const bounds = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (
    !bounds ||
    typeof bounds !== 'object' ||
    Array.isArray(bounds) ||
    !Object.values(bounds).every((v) => typeof v === 'string')
  ) {
    throw new Error('bench/bounds.json must map target names to sentences: {"name": "..."}');
  }
  return bounds as Bounds;
}

/**
 * The profiler of bench/profiler-hook.ts in `served`, started and stopped by SIGUSR2 around
 * the measured run; each step waits for the line the hook prints.
 */
function profilerWindow(served: Served): MeasuredWindow {
  const step = async (done: string, timeoutMs: number) => {
    const line = served.nextLine([done, PROFILE_FAILED], timeoutMs);
    served.signal('SIGUSR2');
    const said = await line;
    if (said.startsWith(PROFILE_FAILED)) throw new Error(`Profiling ${served.name}: ${said}`);
  };
  return {
    started: () => step(PROFILE_STARTED, 10_000),
    ended: () => step(PROFILE_WRITTEN, 60_000),
  };
}

async function run(options: BenchOptions): Promise<number> {
  const started = new Date();
  const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  log(`ECHO benchmark, ${options.shape.name} data set.`);

  const database = await openBenchDatabase(options.root, options.shape);
  const running: Served[] = [];
  const cleanup = async () => {
    for (const s of running.splice(0)) await s.stop();
    await database.stop();
  };
  const interrupted = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  try {
    log(
      `Database: ${redactUrl(database.url)}${database.embedded ? ' (embedded, ./.data-bench)' : ''}`,
    );
    const meta = await prepareData(database.url, options);
    const client = runnerClient(database.url);
    await client.connect();
    let explained: ExplainedScenario[] = [];
    let results: BenchResults;
    try {
      const counts = await datasetCounts(client);
      const version = (await client.query<{ v: string }>('SELECT version() AS v')).rows[0].v;
      const cast = await chooseCast(client, options, meta);

      const poster = cast.posters[0];
      const differences = await floorSqlDifferences(
        poster.userId,
        poster.ids[0],
        messageContent(0),
      );
      if (differences.length) {
        throw new Error(
          `The floor no longer sends the service's SQL; update bench/floor/queries.ts:\n` +
            differences.join('\n'),
        );
      }

      const all = scenarios(cast);
      const unknown = (options.only ?? []).filter((id) => !all.some((s) => s.id === id));
      if (unknown.length) {
        throw new Error(
          `No scenario ${unknown.join(', ')}; the scenarios are ${all.map((s) => s.id).join(', ')}.`,
        );
      }
      const chosen = all.filter((s) => !options.only || options.only.includes(s.id));
      const profiled: Scenario | null = chosen.find((s) => s.id === options.profile) ?? null;
      const profileFile = profiled
        ? join(options.root, 'bench', 'profiles', `${profiled.id}.cpuprofile`)
        : null;
      if (profileFile) rmSync(profileFile, { force: true });
      const hookFor = (target: Target): ProfileHook | null =>
        profiled?.target === target && profileFile ? { file: profileFile } : null;

      const service = await startService(
        options.root,
        database.url,
        BENCH_JWT_SECRET,
        hookFor('service'),
      );
      running.push(service);
      // The floor only when a chosen scenario runs on it; it is then checked before anything.
      let floor: Served | null = null;
      let parity: Parity | null = null;
      if (chosen.some((s) => s.target === 'floor')) {
        floor = await startFloor(options.root, database.url, BENCH_JWT_SECRET, hookFor('floor'));
        running.push(floor);
      }
      log(
        `Service ${service.url} (pid ${service.pid})` +
          (floor ? `, floor ${floor.url} (pid ${floor.pid}).` : '; no floor scenario.'),
      );

      if (floor) {
        parity = await checkParity(service.url, floor.url, cast);
        const same = (ok: boolean, yes: string) => (ok ? yes : 'DIFFERENT');
        log(
          `Floor parity: GET JSON ${same(parity.getOrder.identical, 'identical')} (minimal ` +
            `${same(parity.getOrderMinimal.identical, 'identical')}), POST ` +
            `${same(parity.postMessage.identical, 'same shape')}, refusals ` +
            `${same(
              parity.refusals.every(
                (r) => r.service === r.floor && (r.minimal ?? r.service) === r.service,
              ),
              'same status',
            )}.`,
        );
      }

      const measured: ScenarioResult[] = [];
      for (const scenario of chosen) {
        const target = scenario.target === 'floor' && floor ? floor : service;
        const window = scenario === profiled ? profilerWindow(target) : undefined;
        const m = await measure(target.url, target.pid, scenario, options, window);
        measured.push({
          id: scenario.id,
          title: scenario.title,
          target: scenario.target,
          read: scenario.read,
          ...m,
        });
        log(
          `  ${scenario.id.padEnd(20)} ${String(m.rps).padStart(6)} req/s  p50 ${m.latency.p50} ms  ` +
            `p99 ${m.latency.p99} ms  max ${m.latency.max} ms  non-2xx ${m.non2xx + m.errors}  ` +
            `RSS ${m.peakRssMb} MB`,
        );
      }
      const servicePeakRssMb = highWaterMb(service.pid);
      for (const s of running.splice(0)) await s.stop();

      let profile: BenchResults['profile'];
      if (profiled && profileFile) {
        const summary = join(options.root, 'bench', 'profiles', `${profiled.id}.md`);
        const m = measured.find((x) => x.id === profiled.id)!;
        const cpu = cpus();
        writeFileSync(
          summary,
          summariseProfile(JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile, {
            title: profiled.id,
            root: options.root,
            intro: [
              `The ${profiled.target === 'floor' ? 'floor' : 'service'} process during the ` +
                `measured ${options.durationSeconds} s of \`${profiled.id}\` (${profiled.title}), ` +
                `after ${options.warmupSeconds} s of warm-up that are not in the profile: ` +
                `${options.connections} connections, ${options.shape.name} data set, ` +
                `${m.rps} req/s, p50 ${m.latency.p50} ms, p99 ${m.latency.p99} ms.`,
              '',
              `Generated by \`${command}\`, ${started.toISOString()}, on ${cpu.length} cores ` +
                `(${cpu[0]?.model ?? 'unknown'}), Node ${process.version}; the load generator ` +
                'and PostgreSQL share these cores. V8 was asked for a sample every 1 ms. The raw profile ' +
                `(\`bench/profiles/${profiled.id}.cpuprofile\`, not committed) opens in Chrome ` +
                'DevTools.',
            ],
          }),
        );
        profile = {
          scenario: profiled.id,
          summary: rel(options.root, summary),
          cpuprofile: rel(options.root, profileFile),
        };
        log(`Profile: ${profile.cpuprofile}, summary ${profile.summary}`);
      }

      if (options.writeReports) {
        log('EXPLAIN ANALYZE of each scenario...');
        explained = await explainScenarios(client, cast);
      }
      const r = ratios(measured);
      const cpu = cpus();
      results = {
        mode: options.shape.name,
        command,
        date: started.toISOString(),
        machine: {
          cores: cpu.length,
          cpu: cpu[0]?.model ?? 'unknown',
          memoryGb: Math.round(totalmem() / 1024 ** 3),
          os: `${type()} ${release()}`,
          node: process.version,
          postgres: version.split(',')[0],
          database: database.embedded ? 'embedded PostgreSQL' : 'BENCH_DATABASE_URL',
          loadAverage: {
            before: loadBefore,
            after: loadavg().map((x) => Math.round(x * 100) / 100),
          },
        },
        settings: {
          connections: options.connections,
          pipelining: 1,
          warmupSeconds: options.warmupSeconds,
          durationSeconds: options.durationSeconds,
          dbPoolSize: 10,
        },
        dataset: { ...counts, seedSeconds: meta.seedSeconds ?? 0 },
        floorSql: { matches: differences.length === 0, differences },
        parity,
        scenarios: measured,
        ratios: r,
        targets: checkTargets(measured, r, servicePeakRssMb, readBounds(options.root)),
        servicePeakRssMb,
        ...(profile ? { profile } : {}),
      };
    } finally {
      await client.end();
    }

    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
    log('');
    log(printable(results));
    log('');
    log(`Results: ${rel(options.root, options.out)}`);
    if (options.writeReports) {
      // The commit-latency comparison (npm run bench:latency, two builds) is kept beside it.
      const latency = join(options.root, 'bench', 'COMMIT-LATENCY.md');
      const appendix = existsSync(latency) ? `\n${readFileSync(latency, 'utf8')}` : '';
      writeFileSync(
        join(options.root, 'bench', 'RESULTS.md'),
        `${resultsMarkdown(results)}${appendix}`,
      );
      writeFileSync(join(options.root, 'bench', 'EXPLAIN.md'), explainMarkdown(results, explained));
      log('Tables: bench/RESULTS.md, query plans: bench/EXPLAIN.md');
    }
    const broken =
      (results.parity !== null && !results.parity.ok) ||
      results.scenarios.some((s) => s.non2xx + s.errors > 0 || s.requests === 0);
    return broken ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    await cleanup();
  }
}

if (require.main === module) {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  run(options).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(
        `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
