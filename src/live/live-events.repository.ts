import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { Client, ClientConfig, Notification, Pool, QueryConfig } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { BoundedClient, cutConnection } from '../database/bounded-client';
import {
  EVENT_THREAD_LOCK,
  LIVE_CHANNEL,
  RELAY_LOCK,
  SEQUENCER_LOCK,
  LISTENER_APPLICATION_NAME,
  type LiveEvent,
  type LiveEventType,
  type StreamScope,
} from './live-events';

interface EventRow {
  seq: string;
  type: LiveEvent['type'];
  order_id: number;
  dispute_id: number | null;
  buyer_id: number;
  seller_id: number;
  payload: unknown;
}

const toLiveEvent = (r: EventRow): LiveEvent => ({
  id: Number(r.seq),
  type: r.type,
  orderId: r.order_id,
  disputeId: r.dispute_id,
  buyerId: r.buyer_id,
  sellerId: r.seller_id,
  payload: r.payload,
});

const COLUMNS = 'seq, type, order_id, dispute_id, buyer_id, seller_id, payload';

/** The streams a window of events is fetched for: the ids of each kind of scope. */
export interface Followed {
  orderIds: number[];
  disputeIds: number[];
  userIds: number[];
}

/** Every query of the thread events, and the LISTEN connection that hears of new positions. */
@Injectable()
export class LiveEventsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Appends an event in the unit of work of the request. The lock on the event's order, held
   * until commit, makes the events of one order take their ids in commit order; events of
   * other orders are not held up. The event has no position (`seq`) yet: sequence() gives it
   * one once its transaction has ended, and the streams follow positions.
   */
  async append(
    type: LiveEventType,
    ref: { orderId: number; disputeId?: number | null },
    payload: unknown,
  ): Promise<void> {
    await this.db.tx.query(
      `WITH locked AS (SELECT pg_advisory_xact_lock($5, $2))
       INSERT INTO thread_events (type, order_id, dispute_id, buyer_id, seller_id, payload)
       SELECT $1, o.id, $3, o.buyer_id, o.seller_id, $4::json FROM orders o, locked
       WHERE o.id = $2`,
      [type, ref.orderId, ref.disputeId ?? null, JSON.stringify(payload), EVENT_THREAD_LOCK],
    );
  }

  /**
   * One sequencing round: gives positions, in id order, to the events whose transactions are
   * over and older than every transaction still in flight (`tx_id` below the snapshot's xmin:
   * nothing can commit there any more), holding back an event while an earlier event of its
   * order is not ready yet (ids are in commit order within an order). So positions never go to
   * a late committer below one already handed out, and follow commit order within each order.
   * One round at a time across instances (an advisory lock that no write takes); a round that
   * finds another under way does nothing. The positions' NOTIFY is sent by the round's own
   * statement, never in a write's transaction. Returns how many events got a position.
   */
  async sequence(limit: number): Promise<number> {
    // One statement, so a round sends no BEGIN or COMMIT of its own. Its snapshot is taken
    // before it has the lock, so it may meet events that the round before it numbered after
    // that snapshot: `seq IS NULL` is checked again on the row itself, and those are left as
    // they are (their numbers from this round are simply not used). It goes to the primary's
    // pool directly: a background round is no request's query.
    const pool = (this.db.tx.connection.driver as PostgresDriver).master as Pool;
    const { rows } = await pool.query<{ n: number }>(
      `WITH lock AS (SELECT pg_try_advisory_xact_lock($3) AS got),
       horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin),
       ready AS (
         SELECT e.id FROM thread_events e, horizon h, lock l
         WHERE l.got AND e.seq IS NULL AND e.tx_id < h.xmin
           AND NOT EXISTS (
             SELECT 1 FROM thread_events p
             WHERE p.seq IS NULL AND p.order_id = e.order_id AND p.id < e.id
               AND p.tx_id >= h.xmin)
         ORDER BY e.id LIMIT $1
       ),
       numbered AS (
         SELECT r.id, nextval('thread_events_seq_seq') AS seq
         FROM (SELECT id FROM ready ORDER BY id) r
       ),
       done AS (
         UPDATE thread_events t SET seq = n.seq FROM numbered n
         WHERE t.id = n.id AND t.seq IS NULL
         RETURNING t.seq
       )
       SELECT d.n, CASE WHEN d.n > 0 THEN pg_notify($2, d.last::text) END AS notified
       FROM (SELECT count(*)::int AS n, max(seq) AS last FROM done) d`,
      [limit, LIVE_CHANNEL, SEQUENCER_LOCK],
    );
    return rows[0].n;
  }

  /**
   * Runs a relay round, in a transaction that holds the relay lock (an advisory lock that no
   * write takes) until it ends; 0 when another instance's round holds it.
   */
  relay(round: () => Promise<number>): Promise<number> {
    return this.db.withTransaction(async () => {
      const [{ got }]: { got: boolean }[] = await this.db.tx.query(
        'SELECT pg_try_advisory_xact_lock($1) AS got',
        [RELAY_LOCK],
      );
      return got ? round() : 0;
    });
  }

  /** Every stream's events after position `afterSeq`, in position order, at most `limit`. */
  async sinceSeq(afterSeq: number, limit: number): Promise<LiveEvent[]> {
    const rows: EventRow[] = await this.db.tx.query(
      `SELECT ${COLUMNS} FROM thread_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map(toLiveEvent);
  }

  /** The last position handed out (0 when none). */
  async lastSeq(): Promise<number> {
    const [{ last }]: { last: string }[] = await this.db.tx.query(
      'SELECT COALESCE(max(seq), 0) AS last FROM thread_events',
    );
    return Number(last);
  }

  /** A stream's events after position `afterSeq`, for clients that reconnect with Last-Event-ID. */
  async after(scope: StreamScope, afterSeq: number, limit: number): Promise<LiveEvent[]> {
    const params = [scope.id, afterSeq, limit];
    const sql =
      scope.kind === 'order'
        ? `SELECT ${COLUMNS} FROM thread_events
           WHERE order_id = $1 AND dispute_id IS NULL AND seq > $2 ORDER BY seq LIMIT $3`
        : scope.kind === 'dispute'
          ? `SELECT ${COLUMNS} FROM thread_events
             WHERE dispute_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`
          : // The union is over positions: json payloads have no equality operator for UNION.
            `SELECT ${COLUMNS} FROM thread_events WHERE seq IN (
               (SELECT seq FROM thread_events WHERE buyer_id = $1 AND seq > $2
                ORDER BY seq LIMIT $3)
               UNION
               (SELECT seq FROM thread_events WHERE seller_id = $1 AND seq > $2
                ORDER BY seq LIMIT $3)
             ) ORDER BY seq LIMIT $3`;
    const rows: EventRow[] = await this.db.tx.query(sql, params);
    return rows.map(toLiveEvent);
  }

  /**
   * The events at positions in (`afterSeq`, `toSeq`] that belong to the followed streams, in
   * position order, at most `limit`.
   */
  async window(
    afterSeq: number,
    toSeq: number,
    followed: Followed,
    limit: number,
  ): Promise<LiveEvent[]> {
    const rows: EventRow[] = await this.db.tx.query(
      `SELECT ${COLUMNS} FROM thread_events
       WHERE seq > $1 AND seq <= $2
         AND ((dispute_id IS NULL AND order_id = ANY($3::int[]))
              OR dispute_id = ANY($4::int[])
              OR buyer_id = ANY($5::int[]) OR seller_id = ANY($5::int[]))
       ORDER BY seq LIMIT $6`,
      [afterSeq, toSeq, followed.orderIds, followed.disputeIds, followed.userIds, limit],
    );
    return rows.map(toLiveEvent);
  }

  /**
   * A connection of its own, outside the pool, that LISTENs for new events. `onLost` hears of
   * its failure once, the server's error and the closed socket being one loss. Connecting and
   * each query are bounded by the pool's timeouts, so a silent database fails the attempt
   * instead of leaving it pending.
   */
  async listen(
    onNotification: (n: Notification) => void,
    onLost: (client: Client, err: Error) => void,
  ): Promise<Client> {
    const options = this.db.tx.connection.options as PostgresConnectionOptions;
    const pool = (options.extra ?? {}) as Pick<
      ClientConfig,
      'connectionTimeoutMillis' | 'query_timeout'
    >;
    const client = new BoundedClient({
      connectionString: options.url,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: pool.connectionTimeoutMillis,
      query_timeout: pool.query_timeout,
    });
    const state: { lost: Error | null } = { lost: null };
    client.on('notification', onNotification);
    client.on('error', (err) => {
      if (state.lost) return;
      state.lost = err;
      onLost(client, err);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
      if (state.lost) throw state.lost; // cut just after LISTEN, before the caller has it
    } catch (err) {
      cutConnection(client);
      throw err;
    }
    return client;
  }

  /**
   * Whether the LISTEN connection still answers within `timeoutMs`. A connection that does not
   * is cut, which reports it lost: a silent network closes nothing by itself, and notifications
   * would stop without any error.
   */
  async check(client: Client, timeoutMs: number): Promise<boolean> {
    const probe: QueryConfig & { query_timeout: number } = {
      text: 'SELECT 1',
      query_timeout: timeoutMs,
    };
    try {
      await client.query(probe);
      return true;
    } catch {
      cutConnection(client);
      return false;
    }
  }

  /** Ends a LISTEN connection, politely if the server answers within `waitMs`. */
  async close(client: Client, waitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
    await Promise.race([client.end().catch(() => undefined), gaveUp]);
    clearTimeout(timer);
    cutConnection(client);
  }
}
