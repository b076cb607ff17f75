import { Client } from 'pg';
import { hashPassword } from '../src/users/password-hasher';
import {
  ADMIN_ID,
  BENCH_PASSWORD,
  BUSY_BUYER_ID,
  SMALL_CREATOR_ID,
  STAR_CREATOR_ID,
  type Shape,
} from './config';

/** What bench_meta remembers about a seeded database. */
export interface DatasetMeta {
  shape: Shape['name'];
  state: 'seeding' | 'ready';
  seededAt?: string;
  seedSeconds?: number;
  /** Highest ids after seeding: rows above them were written by a benchmark run. */
  maxIds?: Record<(typeof GROWING)[number], number>;
  /** Orders with a long thread (hotMessages messages each). */
  hotOrders?: number[];
}

/** Tables the scenarios write to, emptied back to the seeded rows before every run. */
const GROWING = ['thread_events', 'order_messages', 'order_status_history', 'orders'] as const;

/** A multiplier coprime with every shape's order count: spreads each kind of order over time. */
const SPREAD = 999_983;

export type DatasetState =
  | { kind: 'ready'; meta: DatasetMeta }
  | { kind: 'empty' }
  | { kind: 'interrupted' }
  | { kind: 'other-shape'; shape: string }
  | { kind: 'foreign' };

export async function datasetState(client: Client, shape: Shape): Promise<DatasetState> {
  const table = await client.query<{ found: boolean }>(
    `SELECT to_regclass('public.bench_meta') IS NOT NULL AS found`,
  );
  if (table.rows[0].found) {
    const rows = await client.query<{ value: DatasetMeta }>(
      `SELECT value FROM bench_meta WHERE key = 'dataset'`,
    );
    const meta = rows.rows[0]?.value;
    if (meta && meta.shape !== shape.name) return { kind: 'other-shape', shape: meta.shape };
    if (meta?.state === 'ready') return { kind: 'ready', meta };
    if (meta) return { kind: 'interrupted' };
  }
  const migrated = await client.query<{ found: boolean }>(
    `SELECT to_regclass('public.users') IS NOT NULL AS found`,
  );
  if (!migrated.rows[0].found) return { kind: 'empty' };
  const users = await client.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM users) AS found',
  );
  return users.rows[0].found ? { kind: 'foreign' } : { kind: 'empty' };
}

/** Deletes what earlier runs wrote (new orders, messages, events), so every run starts alike. */
export async function resetToSeeded(client: Client, meta: DatasetMeta): Promise<number> {
  let removed = 0;
  for (const table of GROWING) {
    const max = meta.maxIds?.[table] ?? 0;
    const result = await client.query(`DELETE FROM ${table} WHERE id > $1`, [max]);
    removed += result.rowCount ?? 0;
  }
  if (removed > 0) await client.query('VACUUM ANALYZE thread_events, orders');
  return removed;
}

type Log = (line: string) => void;

/**
 * Fills an empty, migrated database with set-based statements (INSERT ... SELECT over
 * generate_series), constraints, indexes and triggers in place, a chunk of orders at a time.
 */
export async function seed(client: Client, shape: Shape, log: Log): Promise<DatasetMeta> {
  const started = Date.now();
  await client.query(`CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb)`);
  await writeMeta(client, { shape: shape.name, state: 'seeding' });
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET work_mem = '256MB'`);
  await client.query(`SET maintenance_work_mem = '512MB'`);
  await client.query(`SELECT setseed(0.2026)`);

  const step = async (what: string, run: () => Promise<unknown>) => {
    const t0 = Date.now();
    await run();
    log(`  ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };

  const passwordHash = await hashPassword(BENCH_PASSWORD);
  await step(`${shape.users} users`, () => insertUsers(client, shape, passwordHash));
  await step(`${shape.items} listings`, () => insertItems(client, shape));
  for (let first = 1; first <= shape.orders; first += shape.chunk) {
    const last = Math.min(shape.orders, first + shape.chunk - 1);
    await step(`orders ${first}..${last}, their history, messages and read markers`, async () => {
      await insertOrders(client, shape, first, last);
      await insertHistory(client, first, last);
      await insertMessages(client, shape, first, last);
      await insertReadMarkers(client, first, last);
    });
  }
  await step('messages topped up to the target', () => topUpMessages(client, shape));
  await step(`${shape.reviews} reviews (aggregates by trigger)`, () =>
    insertReviews(client, shape),
  );
  await step(`${shape.disputes} disputes`, () => insertDisputes(client, shape));
  for (const table of ['users', 'items', 'orders']) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`,
    );
  }
  await step('VACUUM ANALYZE', () => client.query('VACUUM ANALYZE'));

  const maxIds = {} as Record<(typeof GROWING)[number], number>;
  for (const table of GROWING) {
    const rows = await client.query<{ max: string | null }>(`SELECT max(id) FROM ${table}`);
    maxIds[table] = Number(rows.rows[0].max ?? 0);
  }
  const hot = await client.query<{ id: number }>(
    `SELECT id FROM orders WHERE ((id - 1)::bigint * $1) % $2 % $3 = $3 - 1 ORDER BY id`,
    [SPREAD, shape.orders, shape.hotEvery],
  );
  const meta: DatasetMeta = {
    shape: shape.name,
    state: 'ready',
    seededAt: new Date().toISOString(),
    seedSeconds: Math.round((Date.now() - started) / 1000),
    maxIds,
    hotOrders: hot.rows.map((r) => r.id),
  };
  await writeMeta(client, meta);
  return meta;
}

async function writeMeta(client: Client, meta: DatasetMeta): Promise<void> {
  await client.query(
    `INSERT INTO bench_meta (key, value) VALUES ('dataset', $1)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [JSON.stringify(meta)],
  );
}

async function insertUsers(client: Client, shape: Shape, passwordHash: string): Promise<void> {
  await client.query(
    `INSERT INTO users (id, email, username, password_hash, roles, created_at, updated_at)
     SELECT id, name || '@bench.echo.test', name, $2,
            CASE WHEN id = $3 THEN ARRAY['USER', 'ADMIN'] ELSE ARRAY['USER'] END,
            at, at
     FROM (
       SELECT id,
              CASE id WHEN $3 THEN 'bench_admin' WHEN $4 THEN 'busy_buyer'
                      WHEN $5 THEN 'star_creator' WHEN $6 THEN 'small_creator'
                      ELSE 'user_' || id END AS name,
              now() - interval '900 days' + interval '850 days' * (id::float8 / $1) AS at
       FROM generate_series(1, $1::int) AS id
     ) u`,
    [shape.users, passwordHash, ADMIN_ID, BUSY_BUYER_ID, STAR_CREATOR_ID, SMALL_CREATOR_ID],
  );
}

/**
 * Listings: the star creator's first, then two of the small creator, then the rest spread over
 * the creators with a skew (the square of a uniform draw), so a few creators own many.
 */
async function insertItems(client: Client, shape: Shape): Promise<void> {
  await client.query(
    `INSERT INTO items (id, creator_id, title, description, base_price_cents, item_type,
                        created_at, updated_at)
     SELECT id,
            CASE WHEN id <= $2 THEN $4
                 WHEN id <= $2 + 2 THEN $5
                 ELSE 5 + floor(power(random(), 2) * $3)::int END,
            'Listing #' || id,
            CASE WHEN random() < 0.3 THEN NULL
                 ELSE 'Original work made to order: sketches first, then the final piece.' END,
            CASE WHEN random() < 0.1 THEN NULL ELSE (10 + floor(random() * 990)::int) * 100 END,
            (ARRAY['SERVICE', 'PRODUCT', 'DIGITAL'])[1 + floor(random() * 3)::int],
            now() - interval '800 days' + interval '790 days' * (id::float8 / $1),
            now() - interval '800 days' + interval '790 days' * (id::float8 / $1)
     FROM generate_series(1, $1::int) AS id`,
    [shape.items, shape.starItems, shape.creators, STAR_CREATOR_ID, SMALL_CREATOR_ID],
  );
}

/**
 * Orders first..last. Each id's place in a permutation (id * SPREAD mod orders) decides what
 * kind of order it is, so the busy buyer's, the star's and the small creator's orders are
 * spread over the whole two years rather than bunched. Older orders are mostly finished,
 * the newest mostly open.
 */
async function insertOrders(client: Client, shape: Shape, first: number, last: number) {
  const busyEnd = shape.busyBuyerOrders;
  const starEnd = busyEnd + shape.starOrders;
  const smallEnd = starEnd + shape.smallOrders;
  const regularFirst = shape.starItems + 3;
  await client.query(
    `WITH g AS (
       SELECT id, ((id - 1)::bigint * $3::bigint) % $4::bigint AS r, id::float8 / $4::bigint AS age,
              random() AS u, random() AS v, random() AS w, random() AS x
       FROM generate_series($1::int, $2::int) AS id
     ), pick AS (
       SELECT id, r, age, w, x,
              CASE WHEN r < $5::bigint THEN 'busy' WHEN r < $6::bigint THEN 'star'
                   WHEN r < $7::bigint THEN 'small'
                   ELSE 'regular' END AS kind,
              CASE WHEN r >= $5::bigint AND r < $6::bigint THEN 1 + floor(v * $8::int)::int
                   WHEN r >= $6::bigint AND r < $7::bigint THEN $8::int + 1 + floor(v * 2)::int
                   ELSE $9::int + floor(power(v, 1.5) * ($10::int - $9::int + 1))::int
              END AS item_id,
              CASE WHEN r < $5::bigint THEN $11::int
                   ELSE 5 + floor(u * ($12::int - 4))::int END AS buyer0
       FROM g
     ), placed AS (
       SELECT p.id, i.id AS item_id, i.creator_id AS seller_id,
              CASE WHEN p.buyer0 <> i.creator_id THEN p.buyer0
                   WHEN p.buyer0 < $12::int THEN p.buyer0 + 1 ELSE 5 END AS buyer_id,
              COALESCE(i.base_price_cents, (5 + floor(p.w * 500)::int) * 100) AS price,
              CASE WHEN p.kind = 'star' AND p.r < $5::bigint + $13::bigint THEN 'COMPLETED'
                   WHEN p.kind = 'small' AND p.r < $6::bigint + $14::bigint THEN 'COMPLETED'
                   WHEN p.age < 0.92 THEN
                     CASE WHEN p.x < 0.80 THEN 'COMPLETED' WHEN p.x < 0.92 THEN 'CANCELLED'
                          WHEN p.x < 0.97 THEN 'IN_PROGRESS' ELSE 'PENDING' END
                   ELSE
                     CASE WHEN p.x < 0.30 THEN 'PENDING' WHEN p.x < 0.70 THEN 'IN_PROGRESS'
                          WHEN p.x < 0.92 THEN 'COMPLETED' ELSE 'CANCELLED' END
              END AS status,
              now() - interval '730 days' * (1 - p.age) AS created_at, p.w
       FROM pick p JOIN items i ON i.id = p.item_id
     )
     INSERT INTO orders (id, buyer_id, seller_id, item_id, final_price_cents, status,
                         created_at, updated_at)
     SELECT id, buyer_id, seller_id, item_id, price, status, created_at,
            CASE WHEN status = 'PENDING' THEN created_at
                 ELSE LEAST(now(), created_at + interval '21 days' * w) END
     FROM placed ORDER BY id`,
    [
      first,
      last,
      SPREAD,
      shape.orders,
      busyEnd,
      starEnd,
      smallEnd,
      shape.starItems,
      regularFirst,
      shape.items,
      BUSY_BUYER_ID,
      shape.users,
      shape.starReviews,
      shape.smallCompleted,
    ],
  );
}

/** Each order's history: PENDING by its buyer, then its current status when it moved on. */
async function insertHistory(client: Client, first: number, last: number): Promise<void> {
  await client.query(
    `INSERT INTO order_status_history (order_id, status, changed_by_user_id, changed_at)
     SELECT order_id, status, by_user, at FROM (
       SELECT id AS order_id, 1 AS step, 'PENDING' AS status, buyer_id AS by_user,
              created_at AS at
       FROM orders WHERE id BETWEEN $1 AND $2
       UNION ALL
       SELECT id, 2, status, CASE WHEN status = 'CANCELLED' THEN buyer_id ELSE seller_id END,
              updated_at
       FROM orders WHERE id BETWEEN $1 AND $2 AND status <> 'PENDING'
     ) h ORDER BY order_id, step`,
    [first, last],
  );
}

/** The mean of an exponential draw whose floor averages `mean` (E[floor X] = 1/(e^(1/m) - 1)). */
const exponentialMean = (mean: number) => 1 / Math.log(1 + 1 / mean);

const PHRASES = [
  'Hi! Looking forward to working together.',
  'Thanks for the order, I will share a first draft soon.',
  'Could we make the background a little warmer?',
  'Here is the second version, with the changes we discussed on Monday.',
  'Perfect, that is exactly what I had in mind.',
  'Quick question: do you need the files as PNG or as layered PSD?',
  'I am travelling this week, so expect replies in the evening.',
  'Delivered! Let me know if anything needs another pass.',
  'Would it be possible to move the deadline to Friday? The venue changed the date of the show.',
  'Sure.',
];

/**
 * Threads: most orders get a handful of messages (exponentially distributed), one order in
 * `hotEvery` is a long thread. Buyer and seller alternate at random; a message is 3 hours
 * after the previous one on average.
 */
async function insertMessages(client: Client, shape: Shape, first: number, last: number) {
  const hotCount = Math.floor(shape.orders / shape.hotEvery);
  const regularMean = (shape.messages - hotCount * shape.hotMessages) / (shape.orders - hotCount);
  await client.query(
    `WITH o AS (
       SELECT id, buyer_id, seller_id, created_at,
              CASE WHEN ((id - 1)::bigint * $3::bigint) % $4::bigint % $5::bigint = $5::bigint - 1
                   THEN $6::int
                   ELSE LEAST(60, floor(-ln(1 - random()) * $7::float8)::int) END AS n
       FROM orders WHERE id BETWEEN $1 AND $2
     )
     INSERT INTO order_messages (order_id, sender_id, content, sent_at)
     SELECT o.id, CASE WHEN random() < 0.5 THEN o.buyer_id ELSE o.seller_id END,
            ($8::text[])[1 + floor(random() * cardinality($8::text[]))::int],
            LEAST(now(), o.created_at + interval '3 hours' * g)
     FROM o, generate_series(1, o.n) AS g
     ORDER BY o.id, g`,
    [
      first,
      last,
      SPREAD,
      shape.orders,
      shape.hotEvery,
      shape.hotMessages,
      exponentialMean(regularMean),
      PHRASES,
    ],
  );
}

/** Most parties have read their thread up to its last message or nearly; some never opened it. */
async function insertReadMarkers(client: Client, first: number, last: number): Promise<void> {
  await client.query(
    `WITH last_message AS (
       SELECT order_id, min(id) AS first_id, max(id) AS last_id FROM order_messages
       WHERE order_id BETWEEN $1 AND $2 GROUP BY order_id
     )
     INSERT INTO order_message_reads (order_id, user_id, last_read_message_id)
     SELECT o.id, p.user_id,
            GREATEST(m.first_id, m.last_id - floor(random() * 3)::int)
     FROM last_message m JOIN orders o ON o.id = m.order_id,
          LATERAL (VALUES (o.buyer_id), (o.seller_id)) AS p(user_id)
     WHERE random() < 0.85
     ORDER BY o.id, p.user_id`,
    [first, last],
  );
}

/** The exponential draws fall a little short or over; long threads take up any shortfall. */
async function topUpMessages(client: Client, shape: Shape): Promise<void> {
  const count = await client.query<{ n: string }>('SELECT count(*) AS n FROM order_messages');
  const missing = shape.messages - Number(count.rows[0].n);
  if (missing <= 0) return;
  await client.query(
    `WITH hot AS (
       SELECT id, buyer_id, seller_id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS n
       FROM orders WHERE ((id - 1)::bigint * $2) % $3 % $4 = $4 - 1
     )
     INSERT INTO order_messages (order_id, sender_id, content, sent_at)
     SELECT h.id, CASE WHEN g % 2 = 0 THEN h.buyer_id ELSE h.seller_id END,
            'Following up on the last draft.', now() - interval '1 hour'
     FROM generate_series(1, $1::int) AS g JOIN hot h ON h.k = g % h.n
     ORDER BY h.id, g`,
    [missing, SPREAD, shape.orders, shape.hotEvery],
  );
}

/**
 * Reviews by the buyers of COMPLETED orders: every one of the star's first starReviews
 * completed orders, smallReviews of the small creator's, and the rest drawn at random. One
 * statement, so the statement-level triggers update each creator's aggregate once.
 */
async function insertReviews(client: Client, shape: Shape): Promise<void> {
  const others = shape.reviews - shape.starReviews - shape.smallReviews;
  await client.query(
    `INSERT INTO reviews (order_id, author_id, reviewed_user_id, score, comment, created_at)
     SELECT id, buyer_id, seller_id,
            CASE WHEN x < 0.05 THEN 1 WHEN x < 0.10 THEN 2 WHEN x < 0.20 THEN 3
                 WHEN x < 0.45 THEN 4 ELSE 5 END,
            CASE WHEN x < 0.5 THEN NULL WHEN x < 0.8 THEN 'Great work, delivered on time.'
                 ELSE 'Lovely to work with; the result exceeded what I asked for.' END,
            LEAST(now(), updated_at + interval '2 days')
     FROM (
       SELECT *, random() AS x FROM (
         (SELECT id, buyer_id, seller_id, updated_at FROM orders
          WHERE seller_id = $1 AND status = 'COMPLETED' ORDER BY id LIMIT $3)
         UNION ALL
         (SELECT id, buyer_id, seller_id, updated_at FROM orders
          WHERE seller_id = $2 AND status = 'COMPLETED' ORDER BY id LIMIT $4)
         UNION ALL
         (SELECT id, buyer_id, seller_id, updated_at FROM orders
          WHERE seller_id NOT IN ($1, $2) AND status = 'COMPLETED' ORDER BY random() LIMIT $5)
       ) chosen
     ) r ORDER BY id`,
    [STAR_CREATOR_ID, SMALL_CREATOR_ID, shape.starReviews, shape.smallReviews, others],
  );
}

/** Disputes on distinct orders; the newest openDisputes are still OPEN (the admin queue). */
async function insertDisputes(client: Client, shape: Shape): Promise<void> {
  await client.query(
    `INSERT INTO disputes (order_id, created_by_user_id, reason, status, resolution,
                           created_at, closed_at)
     SELECT id, CASE WHEN random() < 0.7 THEN buyer_id ELSE seller_id END,
            'The delivered files do not match what we agreed in the thread.',
            CASE WHEN rn <= $2 THEN 'OPEN' ELSE 'CLOSED' END,
            CASE WHEN rn <= $2 THEN NULL ELSE 'Partial refund agreed by both parties.' END,
            LEAST(now(), created_at + interval '3 days'),
            CASE WHEN rn <= $2 THEN NULL ELSE LEAST(now(), created_at + interval '3 days')
                 + interval '2 days' END
     FROM (
       SELECT *, row_number() OVER (ORDER BY id DESC) AS rn FROM (
         SELECT id, buyer_id, seller_id, created_at FROM orders ORDER BY random() LIMIT $1
       ) picked
     ) d ORDER BY id`,
    [shape.disputes, shape.openDisputes],
  );
}
