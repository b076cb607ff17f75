import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toLiveEvent } from './live-event-bus';
import type { LiveEvent, StreamScope } from './live-events';

const COLUMNS = 'id, type, order_id, dispute_id, buyer_id, seller_id, payload';

/** Reads a stream's events after a given id, for clients that reconnect with Last-Event-ID. */
@Injectable()
export class LiveEventsReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
    const rows: Parameters<typeof toLiveEvent>[0][] = await this.dataSource.query(sql, params);
    return rows.map(toLiveEvent);
  }
}
