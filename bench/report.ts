import type { ExplainedScenario } from './explain';
import type { Measurement } from './load';
import type { Parity } from './parity';
import type { Target } from './scenarios';

export interface ScenarioResult extends Measurement {
  id: string;
  title: string;
  target: Target;
  read: boolean;
}

export interface TargetCheck {
  name: string;
  value: string;
  limit: string;
  met: boolean;
  /** For a missed target: what bounds it, from bench/bounds.json (written by hand). */
  bound?: string;
}

/** bench/bounds.json: target name -> one sentence on what keeps it from being met. */
export type Bounds = Record<string, string>;

export interface BenchResults {
  mode: 'full' | 'quick';
  command: string;
  date: string;
  machine: {
    cores: number;
    cpu: string;
    memoryGb: number;
    os: string;
    node: string;
    postgres: string;
    database: string;
    loadAverage: { before: number[]; after: number[] };
  };
  settings: {
    connections: number;
    pipelining: number;
    warmupSeconds: number;
    durationSeconds: number;
    dbPoolSize: number;
  };
  dataset: Record<string, number> & { seedSeconds: number };
  floorSql: { matches: boolean; differences: string[] };
  /** Null when no chosen scenario ran on the floor (it was then not started). */
  parity: Parity | null;
  scenarios: ScenarioResult[];
  ratios: { getOrder: number | null; getOrderMinimal: number | null; postMessage: number | null };
  /** The scenario profiled with --profile, and its summary. */
  profile?: { scenario: string; summary: string; cpuprofile: string };
  targets: TargetCheck[];
  /** Peak RSS of the service over the whole run (VmHWM), MB. */
  servicePeakRssMb: number | null;
}

const byId = (results: ScenarioResult[], id: string) => results.find((r) => r.id === id);
const ratio = (a?: number, b?: number) =>
  a !== undefined && b ? Math.round((a / b) * 100) / 100 : null;

export function ratios(results: ScenarioResult[]): BenchResults['ratios'] {
  return {
    getOrder: ratio(byId(results, 'get-order')?.rps, byId(results, 'get-order@floor')?.rps),
    getOrderMinimal: ratio(
      byId(results, 'get-order')?.rps,
      byId(results, 'get-order@minimal')?.rps,
    ),
    postMessage: ratio(
      byId(results, 'post-message')?.rps,
      byId(results, 'post-message@floor')?.rps,
    ),
  };
}

/** Target names, as bench/bounds.json keys them. */
export const TARGETS = {
  getOrderVsFloor: 'GET /orders/{id} vs the same-SQL floor',
  getOrderVsMinimal: 'GET /orders/{id} vs the minimal floor',
  postMessageVsFloor: 'POST /orders/{id}/messages vs its floor',
  readP99: (id: string) => `p99, ${id}`,
  getOrderP99: 'p99 GET /orders/{id}',
  failures: 'non-2xx responses and errors',
  deepPage: 'deep page vs first page',
  starAverage: 'star average vs 10-review average',
  rss: 'peak RSS of the service over the whole bench',
};

/**
 * The performance targets, each with the value measured; a target whose scenarios did not run
 * is left out. A missed target carries its sentence from `bounds`, when there is one.
 */
export function checkTargets(
  results: ScenarioResult[],
  r: BenchResults['ratios'],
  servicePeakRssMb: number | null,
  bounds: Bounds = {},
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (name: string, value: string, limit: string, met: boolean) =>
    checks.push({
      name,
      value,
      limit,
      met,
      ...(!met && bounds[name] ? { bound: bounds[name] } : {}),
    });
  const atLeast = (name: string, value: number | null, limit: number) => {
    if (value !== null) add(name, `${value}`, `>= ${limit.toFixed(2)}`, value >= limit);
  };
  atLeast(TARGETS.getOrderVsFloor, r.getOrder, 0.8);
  atLeast(TARGETS.getOrderVsMinimal, r.getOrderMinimal, 0.5);
  atLeast(TARGETS.postMessageVsFloor, r.postMessage, 0.8);
  for (const s of results.filter((x) => x.read && x.target === 'service')) {
    add(TARGETS.readP99(s.id), `${s.latency.p99} ms`, '< 50 ms', s.latency.p99 < 50);
  }
  const getOrder = byId(results, 'get-order');
  if (getOrder) {
    add(TARGETS.getOrderP99, `${getOrder.latency.p99} ms`, '< 20 ms', getOrder.latency.p99 < 20);
  }
  const failing = results.filter((s) => s.non2xx + s.errors > 0);
  add(
    TARGETS.failures,
    failing.length ? failing.map((s) => `${s.id}: ${s.non2xx + s.errors}`).join(', ') : '0',
    '0',
    failing.length === 0,
  );
  const within = (name: string, limit: number, slow?: ScenarioResult, fast?: ScenarioResult) => {
    if (!slow || !fast) return;
    const x = slow.latency.p50 / Math.max(fast.latency.p50, 0.001);
    add(
      name,
      `${x.toFixed(2)}x (p50 ${slow.latency.p50} vs ${fast.latency.p50} ms)`,
      `<= ${limit}x`,
      x <= limit,
    );
  };
  within(TARGETS.deepPage, 1.1, byId(results, 'list-orders-deep'), byId(results, 'list-orders'));
  within(TARGETS.starAverage, 1.3, byId(results, 'average-star'), byId(results, 'average-small'));
  const rss = Math.max(
    servicePeakRssMb ?? 0,
    ...results.filter((s) => s.target === 'service').map((s) => s.peakRssMb ?? 0),
  );
  add(TARGETS.rss, `${rss} MB`, '< 200 MB', rss > 0 && rss < 200);
  return checks;
}

const pad = (cells: string[], widths: number[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');

/** The table as the terminal shows it. */
export function printable(res: BenchResults): string {
  const head = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'RSS MB'];
  const rows = res.scenarios.map((s) => [
    s.id,
    String(s.rps),
    String(s.latency.p50),
    String(s.latency.p99),
    String(s.latency.max),
    String(s.non2xx + s.errors),
    String(s.peakRssMb ?? '?'),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const lines = [pad(head, widths), ...rows.map((r) => pad(r, widths)), ''];
  for (const t of res.targets) {
    lines.push(`${t.met ? 'met   ' : 'MISSED'}  ${t.name}: ${t.value} (target ${t.limit})`);
    if (t.bound) lines.push(`        bounded by: ${t.bound}`);
  }
  return lines.join('\n');
}

const cell = (v: string | number | null) => (v === null ? '?' : String(v));
const yes = (ok: boolean) => (ok ? 'yes' : 'NO');

function floorChecks(res: BenchResults): string {
  const p = res.parity;
  if (!p)
    return `Floor checks: same SQL as the service ${yes(res.floorSql.matches)}; no floor run.`;
  const refused = p.refusals.filter((r) => r.minimal !== undefined).length;
  return (
    `Floor checks: same SQL as the service ${yes(res.floorSql.matches)}; identical GET ` +
    `/orders/{id} JSON ${yes(p.getOrder.identical)} (minimal floor ` +
    `${yes(p.getOrderMinimal.identical)}); same POST response shape ` +
    `${yes(p.postMessage.identical)}; same status for ${p.refusals.length} refused requests ` +
    `${yes(p.refusals.every((r) => r.service === r.floor))} (minimal floor, the ${refused} GET ` +
    `ones: ${yes(p.refusals.every((r) => r.minimal === undefined || r.minimal === r.service))}).`
  );
}

export function resultsMarkdown(res: BenchResults): string {
  const m = res.machine;
  const lines = [
    '# Benchmark results',
    '',
    `Command: \`${res.command}\`, ${res.date}. Generated by the run from \`bench/results/latest.json\`;`,
    'how to run and what each scenario does: `bench/README.md`. Query plans: `bench/EXPLAIN.md`.',
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, ${m.os}; Node ${m.node}; ${m.postgres}`,
    `(${m.database}). Load average before/after the run: ${m.loadAverage.before.join(', ')} / ` +
      `${m.loadAverage.after.join(', ')}. The load generator, the service, the floor and PostgreSQL`,
    'share these cores.',
    '',
    `Load: autocannon, ${res.settings.connections} connections, pipelining ${res.settings.pipelining}, ` +
      `${res.settings.warmupSeconds} s warm-up then ${res.settings.durationSeconds} s per scenario, ` +
      `a distinct token per connection; service pool ${res.settings.dbPoolSize} connections, floor the same.`,
    '',
    `Data: ${Object.entries(res.dataset)
      .filter(([k]) => k !== 'seedSeconds')
      .map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`)
      .join(', ')} (seeded in ${res.dataset.seedSeconds} s, reused by later runs).`,
    '',
    '| scenario | what | req/s | p50 ms | p99 ms | max ms | non-2xx | peak RSS MB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...res.scenarios.map(
      (s) =>
        `| ${s.id} | ${s.title} | ${s.rps} | ${s.latency.p50} | ${s.latency.p99} | ${s.latency.max} | ` +
        `${s.non2xx + s.errors} | ${cell(s.peakRssMb)} |`,
    ),
    '',
    `Service/floor throughput: GET /orders/{id} **${cell(res.ratios.getOrder)}** (same-SQL ` +
      `floor), **${cell(res.ratios.getOrderMinimal)}** (minimal floor); POST ` +
      `/orders/{id}/messages **${cell(res.ratios.postMessage)}**. Peak RSS of the service over ` +
      `the run (VmHWM): ${cell(res.servicePeakRssMb)} MB.`,
    '',
    floorChecks(res),
    '',
    '## Targets',
    '',
    '| target | measured | limit | | what bounds it |',
    '| --- | --- | --- | --- | --- |',
    ...res.targets.map(
      (t) =>
        `| ${t.name} | ${t.value} | ${t.limit} | ${t.met ? 'met' : '**missed**'} | ` +
        `${t.met ? '' : (t.bound ?? '')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** SQL as written in a template literal, without the indentation of the code around it. */
function dedent(sql: string): string {
  const lines = sql.trim().split('\n');
  const indents = lines
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return [lines[0], ...lines.slice(1).map((l) => `  ${l.slice(cut)}`)].join('\n');
}

export function explainMarkdown(res: BenchResults, explained: ExplainedScenario[]): string {
  const lines = [
    '# Query plans of the benchmark scenarios',
    '',
    `EXPLAIN (ANALYZE, BUFFERS) of each statement the service sends for one request of each`,
    `scenario, on the full data set, with the parameters of the scenario's first connection`,
    `(writes rolled back). Generated by \`${res.command}\`, ${res.date}; ${res.machine.postgres}.`,
    'The SQL is taken from the service classes themselves (bench/service-sql.ts).',
    '',
  ];
  for (const s of explained) {
    lines.push(`## ${s.id}: ${s.title}`, '');
    for (const st of s.statements) {
      lines.push(
        '```sql',
        dedent(st.sql),
        '```',
        '',
        `Parameters: \`${JSON.stringify(st.params).slice(0, 300)}\``,
        '',
        '```',
        st.plan,
        '```',
        '',
      );
    }
  }
  return lines.join('\n');
}
