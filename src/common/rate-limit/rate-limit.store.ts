import type { DataSource } from 'typeorm';

/** Counts hits per key in fixed windows; returns the count including this hit. */
export interface RateLimitStore {
  hit(key: string, windowStart: number): Promise<number>;
}

/** Per-process counters: the default, right for a single instance. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { start: number; hits: number }>();

  hit(key: string, windowStart: number): Promise<number> {
    const current = this.windows.get(key);
    if (!current || current.start !== windowStart) {
      if (this.windows.size > 100_000) this.prune(windowStart);
      this.windows.set(key, { start: windowStart, hits: 1 });
      return Promise.resolve(1);
    }
    current.hits++;
    return Promise.resolve(current.hits);
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (w.start < now) this.windows.delete(key);
  }
}

/** Counters in PostgreSQL, shared by every instance (RATE_LIMIT_STORE=postgres). */
export class PostgresRateLimitStore implements RateLimitStore {
  constructor(private readonly dataSource: DataSource) {}

  async hit(key: string, windowStart: number): Promise<number> {
    const rows: { hits: number }[] = await this.dataSource.query(
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
