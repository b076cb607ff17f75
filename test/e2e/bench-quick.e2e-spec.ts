import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchResults } from '../../bench/report';
import { floorSqlDifferences } from '../../bench/service-sql';
import { maintenanceClient, withDatabase } from '../support/databases';

const ROOT = resolve(__dirname, '..', '..');

/** Runs a command to its end; resolves with its exit code and everything it printed. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; output: string }>((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

/**
 * The benchmark instrument end to end, so it cannot rot: `npm run bench -- --quick` builds the
 * service and the bench, seeds a small marketplace into a database of its own on the test
 * server, starts the built service and the floor, and drives every scenario for half a second
 * (after a quarter of a second of warm-up). Timings are not asserted here (they belong to
 * bench/RESULTS.md); what the run must prove is that every scenario was exercised without a
 * single failed request and that the floor answers like the service.
 */
describe('npm run bench -- --quick', () => {
  const serverUrl = process.env.ECHO_TEST_SERVER_URL!;
  const database = `echo_bench_quick_${randomBytes(4).toString('hex')}`;
  const scratch = mkdtempSync(join(tmpdir(), 'echo-bench-'));
  const out = join(scratch, 'quick.json');
  let results: BenchResults;
  let output = '';

  beforeAll(async () => {
    // Short windows: the run proves each scenario works end to end, not how fast it is.
    const args = ['--quick', '--duration', '0.5', '--warmup', '0.25', '--out', out];
    const finished = await run('npm', ['run', 'bench', '--', ...args], {
      ...process.env,
      BENCH_DATABASE_URL: withDatabase(serverUrl, database),
    });
    output = finished.output;
    if (finished.code !== 0) throw new Error(`npm run bench failed:\n${output.slice(-4000)}`);
    results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
  }, 300_000);

  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    const admin = maintenanceClient(serverUrl);
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });

  it('seeds the quick data set with the busy buyer and both creators', () => {
    expect(results.mode).toBe('quick');
    expect(results.dataset).toMatchObject({ users: 1_000, orders: 20_000, reviews: 6_000 });
    expect(results.dataset['order messages']).toBeGreaterThanOrEqual(100_000);
    expect(results.scenarios.find((s) => s.id === 'average-star')?.title).toMatch(/2000 reviews/);
    expect(results.scenarios.find((s) => s.id === 'average-small')?.title).toMatch(/10 reviews/);
  });

  it('runs every scenario, on the service and on the floor, with no failed request', () => {
    const ids = results.scenarios.map((s) => s.id);
    expect(ids).toEqual([
      'get-order',
      'get-order@floor',
      'get-order@minimal',
      'list-orders',
      'list-orders-deep',
      'list-messages',
      'average-star',
      'average-small',
      'disputes-open',
      'post-message',
      'post-message@floor',
      'create-order',
    ]);
    for (const s of results.scenarios) {
      expect({ id: s.id, ok: s.requests > 0 && s.rps > 0 }).toEqual({ id: s.id, ok: true });
      expect({ id: s.id, failed: s.non2xx + s.errors + s.timeouts }).toEqual({
        id: s.id,
        failed: 0,
      });
      expect(s.peakRssMb).toBeGreaterThan(0);
    }
    const floor = results.scenarios.filter((s) => s.target === 'floor');
    expect(floor.map((s) => s.statusCodes)).toEqual([
      { '200': expect.any(Number) },
      { '200': expect.any(Number) },
      { '201': expect.any(Number) },
    ]);
    expect(results.ratios.getOrder).toBeGreaterThan(0);
    expect(results.ratios.getOrderMinimal).toBeGreaterThan(0);
    expect(results.ratios.postMessage).toBeGreaterThan(0);
  });

  it('gets the same GET /orders/{id} JSON from the service and both floors', () => {
    const { getOrder, getOrderMinimal } = results.parity!;
    expect(getOrder.checked).toBeGreaterThan(0);
    expect(getOrder.example.floor).toBe(getOrder.example.service);
    expect(JSON.parse(getOrder.example.service)).toEqual(
      expect.objectContaining({ id: expect.any(Number), unreadCount: expect.any(Number) }),
    );
    expect(getOrder.identical).toBe(true);
    expect(getOrderMinimal.checked).toBe(getOrder.checked);
    expect(getOrderMinimal.example).toBe(getOrder.example.service);
    expect(getOrderMinimal.identical).toBe(true);
  });

  it('gets the same answers from the floor for posts and for refused requests', () => {
    const { postMessage, refusals } = results.parity!;
    expect(postMessage.identical).toBe(true);
    expect(Object.keys(postMessage.floor as object)).toEqual(
      Object.keys(postMessage.service as object),
    );
    expect(refusals.length).toBeGreaterThanOrEqual(14);
    for (const r of refusals)
      expect({ case: r.case, floor: r.floor }).toEqual({ case: r.case, floor: r.service });
    // The GET ones are sent to the minimal floor as well.
    const gets = refusals.filter((r) => r.minimal !== undefined);
    expect(gets.length).toBeGreaterThanOrEqual(10);
    for (const r of gets)
      expect({ case: r.case, minimal: r.minimal }).toEqual({ case: r.case, minimal: r.service });
    expect(refusals.map((r) => r.service)).toEqual(expect.arrayContaining([401, 403, 404, 400]));
  });

  it('writes the machine and the targets into the results', () => {
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.postgres).toMatch(/^PostgreSQL \d+/);
    expect(results.targets.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'GET /orders/{id} vs the same-SQL floor',
        'GET /orders/{id} vs the minimal floor',
        'POST /orders/{id}/messages vs its floor',
        'p99 GET /orders/{id}',
        'deep page vs first page',
        'peak RSS of the service over the whole bench',
      ]),
    );
  });
});

describe('the floor', () => {
  it("sends the service's own SQL for both routes (taken from the service classes)", async () => {
    expect(await floorSqlDifferences(7, 12, 'hello')).toEqual([]);
  });
});
