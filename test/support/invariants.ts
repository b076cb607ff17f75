import { entryState } from '../../src/earnings/earnings-process';
import { PROCESSES, type OrderStatus } from '../../src/orders/order-process';
import type { TestApp } from './test-app';

/** What the API reported during a load, to hold the database to. */
export interface Reported {
  /** thread_events rows there must be: before the load plus each change the API confirmed. */
  events: number;
  /** Cents refunded per order, summed from the resolves that answered 200. */
  refunds: Map<number, number>;
  /** Users whose status changes are not held to the parties' transition table. */
  adminIds: Set<number>;
}

/**
 * The invariants of #3-#7, checked in SQL on every row of the database. Each check collects
 * the offending rows, so a failure shows them.
 */
export async function checkInvariants(t: TestApp, reported: Reported): Promise<void> {
  const rows = async (sql: string) => (await t.sql.query(sql)).rows;

  // Checks that look for offending rows prove nothing on empty tables: each one has rows.
  const tables = [
    'orders',
    'order_status_history',
    'order_messages',
    'reviews',
    'venue_event_reviews',
    'disputes',
    'dispute_messages',
    'payments',
    'thread_events',
  ];
  const counts = await rows(
    tables.map((n) => `SELECT '${n}' AS name, count(*)::int AS n FROM ${n}`).join(' UNION ALL '),
  );
  expect(counts.filter((c: { n: number }) => c.n === 0)).toEqual([]);

  // One review per order, by its buyer, about its seller; at most one OPEN dispute per order.
  expect(await rows('SELECT order_id FROM reviews GROUP BY order_id HAVING count(*) > 1')).toEqual(
    [],
  );
  expect(
    await rows(`SELECT r.id FROM reviews r JOIN orders o ON o.id = r.order_id
                WHERE r.author_id <> o.buyer_id OR r.reviewed_user_id <> o.seller_id`),
  ).toEqual([]);
  expect(
    await rows(`SELECT order_id FROM disputes WHERE status = 'OPEN'
                GROUP BY order_id HAVING count(*) > 1`),
  ).toEqual([]);

  // The last history row of each order is its status.
  expect(
    await rows(`SELECT o.id, o.status, last.status AS last FROM orders o
                LEFT JOIN LATERAL (SELECT status FROM order_status_history h WHERE h.order_id = o.id
                                   ORDER BY h.id DESC LIMIT 1) last ON true
                WHERE last.status IS DISTINCT FROM o.status`),
  ).toEqual([]);
  // Each history starts PENDING by the buyer, and every later step is one the transition table
  // allows the party who made it (admins may make any change but a no-op).
  const history = await rows(
    `SELECT h.order_id, h.status, h.changed_by_user_id AS by, o.buyer_id, o.seller_id
     FROM order_status_history h JOIN orders o ON o.id = h.order_id ORDER BY h.order_id, h.id`,
  );
  const illegal: unknown[] = [];
  history.forEach((h, i) => {
    const prev = history[i - 1];
    if (prev?.order_id !== h.order_id) {
      if (h.status !== 'PENDING' || h.by !== h.buyer_id) illegal.push(h);
      return;
    }
    if (prev.status === h.status) return void illegal.push({ ...h, from: prev.status });
    if (reported.adminIds.has(h.by)) return;
    const role = h.by === h.buyer_id ? 'buyer' : h.by === h.seller_id ? 'seller' : 'stranger';
    // Every order in these loads is DIRECT, moved by the status PATCH.
    const allowed = PROCESSES.DIRECT.steps.some(
      (tr) =>
        tr.via === 'status' &&
        tr.from.includes(prev.status) &&
        tr.to === h.status &&
        tr.by.some((r) => r === role),
    );
    if (!allowed) illegal.push({ ...h, from: prev.status, role });
  });
  expect(illegal).toEqual([]);

  // Reputation aggregates equal a recount of the reviews: count, sum and distribution.
  const columns = ['review_count', 'score_sum', 's1', 's2', 's3', 's4', 's5'];
  const scores = [1, 2, 3, 4, 5].map((s) => `count(*) FILTER (WHERE score = ${s})::int AS s${s}`);
  expect(
    await rows(`WITH r AS (SELECT reviewed_user_id AS user_id, count(*)::int AS review_count,
                                  sum(score)::int AS score_sum, ${scores.join(', ')}
                           FROM reviews GROUP BY reviewed_user_id)
                SELECT r.*, a.* FROM r FULL JOIN user_ratings a ON a.user_id = r.user_id
                WHERE ${columns.map((c) => `coalesce(r.${c}, 0) <> coalesce(a.${c}, 0)`).join(' OR ')}`),
  ).toEqual([]);
  expect(
    await rows(`WITH r AS (SELECT target_type, target_id, count(*)::int AS n, sum(score)::int AS total
                           FROM venue_event_reviews GROUP BY target_type, target_id)
                SELECT r.*, a.* FROM r FULL JOIN venue_event_ratings a USING (target_type, target_id)
                WHERE coalesce(r.n, 0) <> coalesce(a.review_count, 0)
                   OR coalesce(r.total, 0) <> coalesce(a.score_sum, 0)`),
  ).toEqual([]);

  // Refunds: never above the total, the status follows them, and exactly what the API reported.
  const payments = await rows(
    'SELECT order_id, total_amount_cents AS total, refunded_amount_cents AS refunded, status FROM payments',
  );
  for (const p of payments) {
    expect(p.refunded).toBeLessThanOrEqual(p.total);
    const status =
      p.refunded === 0 ? 'SUCCEEDED' : p.refunded < p.total ? 'PARTIALLY_REFUNDED' : 'REFUNDED';
    expect(p).toMatchObject({ status });
  }
  for (const [orderId, cents] of reported.refunds) {
    expect({ orderId, refunded: payments.find((p) => p.order_id === orderId)?.refunded }).toEqual({
      orderId,
      refunded: cents,
    });
  }

  // The earnings ledger, for every order with a payment: the seller's entries plus the fee ECHO
  // kept plus what went back to the buyer (refunds and lost chargebacks) equal what was paid.
  const ledger = await rows(
    `SELECT p.order_id, p.total_amount_cents AS total, p.refunded_amount_cents AS refunded,
            p.chargeback_cents AS charged_back,
            COALESCE(sum(e.amount_cents), 0)::int AS seller,
            COALESCE(sum(e.platform_fee_cents), 0)::int AS fee_kept,
            count(e.id) FILTER (WHERE e.type = 'EARNING')::int AS earnings
     FROM payments p LEFT JOIN ledger_entries e ON e.order_id = p.order_id
     GROUP BY p.id ORDER BY p.order_id`,
  );
  const mismatches = ledger.filter(
    (o) => o.seller + o.fee_kept + o.refunded + o.charged_back !== o.total || o.earnings !== 1,
  );
  console.log(
    `ledger invariant: ${ledger.length} orders with a payment checked, ${mismatches.length} mismatches`,
  );
  expect(mismatches).toEqual([]);
  // Each payout is the sum of the entries it covers, recorded once by its (negative) PAYOUT entry.
  expect(
    await rows(`SELECT p.id, p.amount_cents, p.entry_count, c.n, c.sum, c.payout_entry
                FROM payouts p
                LEFT JOIN LATERAL (
                  SELECT count(*) FILTER (WHERE NOT own)::int AS n,
                         COALESCE(sum(amount_cents) FILTER (WHERE NOT own), 0)::int AS sum,
                         COALESCE(sum(amount_cents) FILTER (WHERE own), 0)::int AS payout_entry
                  FROM (SELECT amount_cents, type = 'PAYOUT' AND amount_cents < 0 AS own
                        FROM ledger_entries WHERE payout_id = p.id) e) c ON true
                WHERE c.n <> p.entry_count OR c.sum <> p.amount_cents
                   OR c.payout_entry <> -p.amount_cents`),
  ).toEqual([]);
  // And every entry no payout covers is in the state its order calls for (entryState). An entry
  // whose availableAt has passed may still be CLEARING until its job runs.
  const unpaid = await rows(
    `SELECT e.id, e.state, e.available_at, o.status, o.has_open_dispute, now() AS now
     FROM ledger_entries e JOIN orders o ON o.id = e.order_id WHERE e.payout_id IS NULL`,
  );
  const astray = unpaid.filter((e) => {
    const want = entryState(
      {
        orderStatus: e.status as OrderStatus,
        onHold: e.has_open_dispute,
        availableAt: e.available_at,
        paid: false,
      },
      e.now,
    );
    const completed = e.status === 'COMPLETED';
    if (completed !== (e.available_at !== null)) return true;
    return e.state !== want && !(want === 'AVAILABLE' && e.state === 'CLEARING');
  });
  expect(astray).toEqual([]);

  // Messages: on an order that exists, and never on an order cancelled before them (nor on a
  // dispute closed before them). Timestamps cannot tell: sent_at and changed_at are both now(),
  // the start of their transactions, and two overlapping transactions may commit in either
  // order. Event ids can: each is handed out under its order's lock, held until commit, so the
  // events of one order follow commit order, and each message and change writes its event in
  // its own transaction.
  expect(
    await rows(`SELECT m.id FROM order_messages m LEFT JOIN orders o ON o.id = m.order_id
                WHERE o.id IS NULL`),
  ).toEqual([]);
  const events = await rows(
    `SELECT id, type, order_id, dispute_id, payload::text AS payload FROM thread_events ORDER BY id`,
  );
  const cancelled = new Set<number>();
  const closed = new Set<number>();
  const late: unknown[] = [];
  for (const e of events) {
    const status = (JSON.parse(e.payload) as { status?: string }).status;
    if (e.type === 'order.status_changed') {
      if (status === 'CANCELLED') cancelled.add(e.order_id);
      else cancelled.delete(e.order_id);
    } else if (e.type === 'message.created' && cancelled.has(e.order_id)) late.push(e);
    else if (e.type === 'dispute.resolved') closed.add(e.dispute_id);
    else if (e.type === 'dispute.message_created' && closed.has(e.dispute_id)) late.push(e);
  }
  expect(late).toEqual([]);

  // One event per change, of the change's type: a message, a status change (every history row
  // but each order's first), a dispute message, a resolution.
  expect(
    await rows(`SELECT type, count(*)::int AS n FROM thread_events GROUP BY type ORDER BY type`),
  ).toEqual(
    (
      await rows(`SELECT 'dispute.message_created' AS type, (SELECT count(*)::int FROM dispute_messages) AS n
                  UNION ALL SELECT 'dispute.resolved', (SELECT count(*)::int FROM disputes WHERE status = 'CLOSED')
                  UNION ALL SELECT 'message.created', (SELECT count(*)::int FROM order_messages)
                  UNION ALL SELECT 'order.status_changed',
                    (SELECT count(*)::int FROM order_status_history) - (SELECT count(*)::int FROM orders)`)
    ).filter((r) => r.n > 0),
  );
  // And as many events as the API confirmed changes.
  expect(await rows('SELECT count(*)::int AS n FROM thread_events')).toEqual([
    { n: reported.events },
  ]);
}
