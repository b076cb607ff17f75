import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { RateLimitStore } from './rate-limit.store';

/** Counters in PostgreSQL, shared by every instance (RATE_LIMIT_STORE=postgres, production's default). */
@Injectable()
export class RateLimitsRepository implements RateLimitStore {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** One statement, so concurrent hits on one key each count: starts or bumps the window. */
  async hit(key: string, windowStart: number): Promise<number> {
    const rows = await this.db.tx.query<{ hits: number }[]>(
      `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, to_timestamp($2 / 1000.0), 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_limits.window_start = EXCLUDED.window_start
                     THEN rate_limits.hits + 1 ELSE 1 END,
         window_start = EXCLUDED.window_start
       RETURNING hits`,
      [key, windowStart],
    );
    return rows[0].hits;
  }
}
