import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { Client, ClientConfig, Notification, QueryConfig } from 'pg';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { BoundedClient, cutConnection } from '../database/bounded-client';
import {
  EVENT_ORDER_LOCK,
  LIVE_CHANNEL,
  LISTENER_APPLICATION_NAME,
  type LiveEvent,
  type LiveEventType,
  type StreamScope,
} from './live-events';

interface EventRow {
  id: string;
  type: LiveEvent['type'];
  order_id: number;
  dispute_id: number | null;
  buyer_id: number;
  seller_id: number;
  payload: unknown;
}

const toLiveEvent = (r: EventRow): LiveEvent => ({
  id: Number(r.id),
  type: r.type,
  orderId: r.order_id,
  disputeId: r.dispute_id,
  buyerId: r.buyer_id,
  sellerId: r.seller_id,
  payload: r.payload,
});

const COLUMNS = 'id, type, order_id, dispute_id, buyer_id, seller_id, payload';

/** Every query of the thread events, and the LISTEN connection that hears of new ones. */
@Injectable()
export class LiveEventsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Appends an event in the unit of work of the request and queues its NOTIFY, which
   * PostgreSQL delivers only if and when that transaction commits: a rolled-back write notifies
   * no one. The notification carries ids only; listeners fetch the payload when someone is
   * subscribed. The advisory lock orders the events' ids as their transactions commit.
   */
  async append(
    type: LiveEventType,
    ref: { orderId: number; disputeId?: number | null },
    payload: unknown,
  ): Promise<void> {
    await this.db.tx.query(
      `WITH ordered AS (SELECT pg_advisory_xact_lock($5)),
       ev AS (
         INSERT INTO thread_events (type, order_id, dispute_id, buyer_id, seller_id, payload)
         SELECT $1, o.id, $3, o.buyer_id, o.seller_id, $4::json FROM orders o, ordered
         WHERE o.id = $2
         RETURNING id, order_id, dispute_id, buyer_id, seller_id
       )
       SELECT pg_notify($6, concat_ws(':', id, order_id, COALESCE(dispute_id, 0), buyer_id,
                                      seller_id))
       FROM ev`,
      [
        type,
        ref.orderId,
        ref.disputeId ?? null,
        JSON.stringify(payload),
        EVENT_ORDER_LOCK,
        LIVE_CHANNEL,
      ],
    );
  }

  /** A stream's events after `afterId`, for clients that reconnect with Last-Event-ID. */
  async after(scope: StreamScope, afterId: number, limit: number): Promise<LiveEvent[]> {
    const params = [scope.id, afterId, limit];
    const sql =
      scope.kind === 'order'
        ? `SELECT ${COLUMNS} FROM thread_events
           WHERE order_id = $1 AND dispute_id IS NULL AND id > $2 ORDER BY id LIMIT $3`
        : scope.kind === 'dispute'
          ? `SELECT ${COLUMNS} FROM thread_events
             WHERE dispute_id = $1 AND id > $2 ORDER BY id LIMIT $3`
          : // The union is over ids: json payloads have no equality operator for UNION.
            `SELECT ${COLUMNS} FROM thread_events WHERE id IN (
               (SELECT id FROM thread_events WHERE buyer_id = $1 AND id > $2
                ORDER BY id LIMIT $3)
               UNION
               (SELECT id FROM thread_events WHERE seller_id = $1 AND id > $2
                ORDER BY id LIMIT $3)
             ) ORDER BY id LIMIT $3`;
    const rows: EventRow[] = await this.db.tx.query(sql, params);
    return rows.map(toLiveEvent);
  }

  /** The notified events, in id order. */
  async byIds(ids: number[]): Promise<LiveEvent[]> {
    const rows: EventRow[] = await this.db.tx.query(
      `SELECT ${COLUMNS} FROM thread_events WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [ids],
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
