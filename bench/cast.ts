import type { Client } from 'pg';
import { encodeCursor } from '../src/common/pagination/cursor';
import {
  ADMIN_ID,
  BUSY_BUYER_ID,
  SMALL_CREATOR_ID,
  STAR_CREATOR_ID,
  type BenchOptions,
} from './config';
import type { DatasetMeta } from './seed';

/** A user acting on the orders (or listings) that one connection cycles through. */
export interface Actor {
  userId: number;
  ids: number[];
}

/** Who does what in the scenarios, chosen from the seeded data, one actor per connection. */
export interface Cast {
  /** Parties reading their orders: half buyers, half sellers. */
  orderReaders: Actor[];
  /** Buyers reading one long thread each (`ids`: that one order). */
  threadReaders: Actor[];
  /** Buyers posting on their orders that are not CANCELLED. */
  posters: Actor[];
  /** Buyers ordering other creators' listings (`ids`: listing ids). */
  orderers: Actor[];
  /** A CANCELLED order of the first poster, for the 409 parity check. */
  cancelledOrderOfPoster: number | null;
  /** A user who is party to none of the first order reader's orders. */
  strangerId: number;
  busyBuyerId: number;
  busyBuyerOrders: number;
  /** The deep page starts after this many of the busy buyer's orders. */
  deepOffset: number;
  deepCursor: string;
  starCreatorId: number;
  starReviews: number;
  smallCreatorId: number;
  smallReviews: number;
  adminId: number;
}

const first = <T>(rows: T[], what: string, count: number): T[] => {
  if (rows.length < count) {
    throw new Error(`The seeded data has only ${rows.length} ${what}, ${count} are needed`);
  }
  return rows.slice(0, count);
};

/**
 * Picks the cast with a fixed seed, so that every run on the same data sends the same requests.
 * Distinct users per connection wherever the scenario allows it.
 */
export async function chooseCast(
  client: Client,
  options: BenchOptions,
  meta: DatasetMeta,
): Promise<Cast> {
  const n = options.connections;
  const perActor = options.shape.name === 'full' ? 20 : 5;
  await client.query('SET max_parallel_workers_per_gather = 0');
  await client.query('SELECT setseed(0.8)');

  const parties = async (column: 'buyer_id' | 'seller_id', count: number, exclude: number[]) =>
    (
      await client.query<{ user_id: number; ids: number[] }>(
        `SELECT u.id AS user_id, o.ids FROM (
           SELECT id FROM users WHERE id > 4 AND NOT id = ANY($3) ORDER BY random() LIMIT 400
         ) u CROSS JOIN LATERAL (
           SELECT array_agg(id ORDER BY random()) AS ids FROM (
             SELECT id FROM orders WHERE ${column} = u.id ORDER BY random() LIMIT $1
           ) x
         ) o
         WHERE cardinality(o.ids) >= $1 LIMIT $2`,
        [perActor, count, exclude],
      )
    ).rows.map((r) => ({ userId: r.user_id, ids: r.ids }));

  const buyers = first(await parties('buyer_id', n / 2, []), 'buyers with orders', n / 2);
  const sellers = first(
    await parties(
      'seller_id',
      n / 2,
      buyers.map((b) => b.userId),
    ),
    'sellers with orders',
    n / 2,
  );
  const orderReaders = buyers.flatMap((b, i) => [b, sellers[i]]);

  const threads = await client.query<{ id: number; buyer_id: number }>(
    `SELECT DISTINCT ON (buyer_id) id, buyer_id FROM orders
     WHERE id = ANY($1) ORDER BY buyer_id, id`,
    [meta.hotOrders ?? []],
  );
  const threadReaders = first(
    threads.rows.sort((a, b) => a.id - b.id),
    'long threads with distinct buyers',
    n,
  ).map((r) => ({ userId: r.buyer_id, ids: [r.id] }));

  // The service limits messages per user and thread (RATE_LIMIT_MESSAGES_PER_THREAD a minute),
  // as a person would never exceed it: each poster spreads its messages over up to 50 orders.
  const posting = await client.query<{ user_id: number; ids: number[] }>(
    `SELECT buyer_id AS user_id, (array_agg(id ORDER BY id DESC))[1:50] AS ids
     FROM orders WHERE buyer_id > 4 AND status <> 'CANCELLED'
     GROUP BY buyer_id ORDER BY count(*) DESC, buyer_id LIMIT $1`,
    [n],
  );
  const posters = first(posting.rows, 'buyers with open orders', n).map((r) => ({
    userId: r.user_id,
    ids: r.ids,
  }));

  const ordering = await client.query<{ user_id: number; ids: number[] }>(
    `SELECT u.id AS user_id, i.ids FROM (
       SELECT id FROM users WHERE id > 4 ORDER BY random() LIMIT $2
     ) u CROSS JOIN LATERAL (
       SELECT array_agg(id) AS ids FROM (
         SELECT id FROM items WHERE creator_id <> u.id AND deleted_at IS NULL
           AND id >= 1 + (u.id * 7919) % ($3::int - 100)
         ORDER BY id LIMIT $1
       ) x
     ) i`,
    [perActor, n, options.shape.items],
  );
  const orderers = first(ordering.rows, 'buyers', n).map((r) => ({
    userId: r.user_id,
    ids: r.ids,
  }));

  const cancelled = await client.query<{ id: number }>(
    `SELECT id FROM orders WHERE buyer_id = $1 AND status = 'CANCELLED' LIMIT 1`,
    [posters[0].userId],
  );
  const reader = orderReaders[0];
  const stranger = await client.query<{ id: number }>(
    `SELECT u.id FROM users u WHERE u.id > 4 AND NOT EXISTS (
       SELECT 1 FROM orders o WHERE o.id = $1 AND (o.buyer_id = u.id OR o.seller_id = u.id)
     ) ORDER BY u.id LIMIT 1`,
    [reader.ids[0]],
  );

  const busy = await client.query<{ total: number; deep_id: number | null }>(
    `SELECT (SELECT count(*)::int FROM orders WHERE buyer_id = $1 OR seller_id = $1) AS total,
            (SELECT id FROM orders WHERE buyer_id = $1 OR seller_id = $1
             ORDER BY id DESC OFFSET $2 - 1 LIMIT 1) AS deep_id`,
    [BUSY_BUYER_ID, options.shape.deepOffset],
  );
  if (busy.rows[0].deep_id === null) throw new Error('The busy buyer has too few orders');

  const ratings = await client.query<{ user_id: number; review_count: number }>(
    `SELECT user_id, review_count FROM user_ratings WHERE user_id = ANY($1)`,
    [[STAR_CREATOR_ID, SMALL_CREATOR_ID]],
  );
  const reviewsOf = (id: number) => ratings.rows.find((r) => r.user_id === id)?.review_count ?? 0;

  return {
    orderReaders,
    threadReaders,
    posters,
    orderers,
    cancelledOrderOfPoster: cancelled.rows[0]?.id ?? null,
    strangerId: stranger.rows[0].id,
    busyBuyerId: BUSY_BUYER_ID,
    busyBuyerOrders: busy.rows[0].total,
    deepOffset: options.shape.deepOffset,
    deepCursor: encodeCursor([busy.rows[0].deep_id]),
    starCreatorId: STAR_CREATOR_ID,
    starReviews: reviewsOf(STAR_CREATOR_ID),
    smallCreatorId: SMALL_CREATOR_ID,
    smallReviews: reviewsOf(SMALL_CREATOR_ID),
    adminId: ADMIN_ID,
  };
}
