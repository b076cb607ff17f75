/**
 * Counts hits per key in fixed windows; returns the count including this hit. In memory here,
 * or in PostgreSQL (RateLimitsRepository) when several instances must share the counts.
 */
export interface RateLimitStore {
  hit(key: string, windowStart: number): Promise<number>;
}

/** Per-process counters: the default outside production, right for a single instance. */
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
