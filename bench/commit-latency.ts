/**
 * Message posts on distinct threads with an injected commit latency: what a platform-wide lock
 * on event-producing writes costs. A deferred trigger sleeps `--latency-ms` (2 by default) at
 * the commit of every transaction that writes a thread event, as a commit's fsync on a cloud
 * database would take, while the transaction still holds its locks. With one lock for all
 * events, posts run one at a time whatever the connections: at most 1 / latency per second.
 * Without it, they rise with connections.
 *
 *   npm run bench:build
 *   node dist/bench/commit-latency.js --db postgres://postgres@127.0.0.1:5432/echo_bench_latency \
 *     [--service DIR] [--latency-ms 2] [--duration 10] [--connections 1,4,16,32]
 *
 * `--service` is the folder of a built checkout (default: this one), so that two builds can be
 * compared on the same machine. The database is dropped and made again for each run; the
 * service migrates it. Prints a markdown table.
 */
import { Client } from 'pg';
import type { Scenario } from './scenarios';
import { measure } from './load';
import { startNode } from './processes';
import { accessToken, BENCH_JWT_SECRET } from './tokens';

const arg = (name: string, fallback?: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  if (fallback === undefined) throw new Error(`--${name} is required`);
  return fallback;
};

const THREADS = 64;

async function query<R extends object = Record<string, never>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function freshDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  await query(admin.toString(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await query(admin.toString(), `CREATE DATABASE "${name}"`);
}

/** A seller, THREADS buyers and one order each: every connection posts on a thread of its own. */
async function seed(url: string): Promise<{ buyer: number; order: number }[]> {
  await query(
    url,
    `INSERT INTO users (email, username, password_hash)
     SELECT 'latency' || g || '@bench.test', 'latency_' || g, 'not-a-hash'
     FROM generate_series(0, $1) AS g`,
    [THREADS],
  );
  const [seller] = await query<{ id: number }>(
    url,
    `SELECT id FROM users WHERE username = 'latency_0'`,
  );
  const [item] = await query<{ id: number }>(
    url,
    `INSERT INTO items (creator_id, title, base_price_cents, item_type)
     VALUES ($1, 'Bench listing', 1000, 'SERVICE') RETURNING id`,
    [seller.id],
  );
  return query<{ buyer: number; order: number }>(
    url,
    `INSERT INTO orders (buyer_id, seller_id, item_id, final_price_cents, status)
     SELECT u.id, $1, $2, 1000, 'PENDING' FROM users u WHERE u.id <> $1
     RETURNING id AS "order", buyer_id AS buyer`,
    [seller.id, item.id],
  );
}

/** The injected commit latency: at commit, in every transaction that wrote an event. */
async function injectLatency(url: string, latencyMs: number): Promise<void> {
  await query(
    url,
    `CREATE FUNCTION bench_commit_latency() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM pg_sleep(${latencyMs / 1000}); RETURN NULL; END $$`,
  );
  await query(
    url,
    `CREATE CONSTRAINT TRIGGER bench_commit_latency AFTER INSERT ON thread_events
     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bench_commit_latency()`,
  );
}

/** Samples pg_locks: the share of samples with a lock that two or more sessions wait for. */
function lockSampler(url: string) {
  const samples: number[] = [];
  let on = true;
  const done = (async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    while (on) {
      const { rows } = await client.query<{ crowded: number }>(
        `SELECT count(*)::int AS crowded FROM (
           SELECT 1 FROM pg_locks WHERE NOT granted
             AND (locktype = 'advisory' OR (locktype = 'object' AND database = 0))
           GROUP BY locktype, database, classid, objid, objsubid HAVING count(*) >= 2) c`,
      );
      samples.push(rows[0].crowded);
      await new Promise((r) => setTimeout(r, 10));
    }
    await client.end();
  })();
  return async () => {
    on = false;
    await done;
    const crowded = samples.filter((n) => n > 0).length;
    return { samples: samples.length, crowded };
  };
}

async function main(): Promise<void> {
  const url = arg('db');
  const root = arg('service', process.cwd());
  const latencyMs = Number(arg('latency-ms', '2'));
  const duration = Number(arg('duration', '10'));
  const connections = arg('connections', '1,4,16,32').split(',').map(Number);

  await freshDatabase(url);
  const service = await startNode('service', root, 'dist/src/main.js', {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    JWT_SECRET: BENCH_JWT_SECRET,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_STORE: 'memory',
    RATE_LIMIT_MESSAGES_PER_THREAD: '100000000',
  });
  const rows: string[] = [];
  try {
    const threads = await seed(url);
    await injectLatency(url, latencyMs);
    const scenario: Scenario = {
      id: 'post-message-latency',
      title: `POST /orders/{id}/messages, ${latencyMs} ms commit latency, a thread per connection`,
      target: 'service',
      read: false,
      requestsFor: (c) => {
        const { buyer, order } = threads[c % threads.length];
        return [
          {
            method: 'POST',
            path: `/orders/${order}/messages`,
            headers: {
              authorization: `Bearer ${accessToken(buyer, ['USER'], { iatOffset: c })}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ content: `Message from connection ${c}` }),
          },
        ];
      },
    };
    for (const n of connections) {
      const sampler = lockSampler(url);
      const m = await measure(service.url, service.pid, scenario, {
        connections: n,
        warmupSeconds: 2,
        durationSeconds: duration,
      });
      const locks = await sampler();
      const share = locks.samples ? ((100 * locks.crowded) / locks.samples).toFixed(1) : '-';
      if (m.non2xx || m.errors) {
        throw new Error(`${n} connections: ${m.non2xx} non-2xx, ${m.errors} errors`);
      }
      rows.push(
        `| ${n} | ${m.rps.toLocaleString('en')} | ${m.latency.p50} | ${m.latency.p99} | ` +
          `${share}% of ${locks.samples} |`,
      );
    }
  } finally {
    await service.stop();
  }
  console.log(`service: ${root}; commit latency ${latencyMs} ms; ${duration} s per row\n`);
  console.log(
    '| connections | posts/s | p50 ms | p99 ms | samples with a lock 2+ sessions wait for |',
  );
  console.log('|---:|---:|---:|---:|---:|');
  rows.forEach((r) => console.log(r));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
