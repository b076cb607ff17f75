import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { TestUser } from './factories';
import type { TestApp } from './test-app';

/** One HTTP attempt of a write. */
export interface Try {
  start: number;
  end: number;
  /** 0: no answer within the client's patience, or the connection was cut. */
  status: number;
  id?: number;
  code?: string;
  message?: string;
  replayed: boolean;
}

/**
 * One write the load made: an order (marked by its unique price) or a message (by its unique
 * text), sent once, or, when it carries an Idempotency-Key, retried with that key until it is
 * acknowledged.
 */
export interface Write {
  kind: 'order' | 'message';
  marker: string;
  key?: string;
  tries: Try[];
}

export interface Audit {
  sent: number;
  /** Writes the API acknowledged (2xx) at some try. */
  acknowledged: Write[];
  /** Acknowledged writes whose row is missing, or is another row than the one acknowledged. */
  lost: Write[];
  /** Markers stored more than once. */
  duplicated: string[];
  /** Keyed writes that failed first and were acknowledged by a retry with the same key. */
  acknowledgedOnRetry: Write[];
  /** Writes without a key that were refused (503) and yet committed. */
  refusedYetStored: Write[];
  /** Every try that did not succeed. */
  failedTries: Try[];
  /** The ids stored for a write's marker. */
  rowsOf(write: Write): number[];
}

export const ok = (t: Try) => t.status >= 200 && t.status < 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Concurrent writes against one order and one listing: POST /orders and
 * POST /orders/{id}/messages, every other one with an Idempotency-Key. Records every attempt
 * with its timing, so that a test can relate answers to the moment a fault began and ended,
 * then audits the database against what was acknowledged.
 */
export class WriteLoad {
  readonly writes: Write[] = [];
  private n = 0;
  private stopped = false;
  /** Start times of the tries still waiting for an answer. */
  private readonly waiting = new Set<{ start: number }>();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly t: TestApp,
    private readonly target: { buyer: TestUser; itemId: number; orderId: number },
    /** A try that gets no answer within this long counts as hung (status 0). */
    private readonly hangMs: number,
  ) {}

  /** Starts `workers` loops, half placing orders and half posting messages. */
  start(workers: number): void {
    this.loops = Array.from({ length: workers }, (_, i) =>
      this.loop(i % 2 === 0 ? 'order' : 'message'),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  /** Every try, in the order they were sent. */
  tries(): Try[] {
    return this.writes.flatMap((w) => w.tries).sort((a, b) => a.start - b.start);
  }

  /** Whether a try sent before `at` is still waiting for its answer. */
  waitingSince(at: number): boolean {
    return [...this.waiting].some((w) => w.start < at);
  }

  /** The first acknowledged try sent at or after `at`. */
  firstSuccessAfter(at: number): Try | undefined {
    return this.tries().find((t) => t.start >= at && ok(t));
  }

  /**
   * Retries each keyed write that has no acknowledgement yet, with its key, until it has one
   * (a 409 means its first try is still being rolled back on the server: wait and retry), with
   * as many retries in flight at once as the load had workers.
   */
  async settle(timeoutMs: number): Promise<void> {
    const until = performance.now() + timeoutMs;
    const open = this.writes.filter((w) => w.key && !w.tries.some(ok));
    const retry = async () => {
      for (let w = open.shift(); w; w = open.shift()) {
        while (!ok(await this.send(w))) {
          if (performance.now() > until) {
            throw new Error(`Keyed writes still unacknowledged after ${timeoutMs} ms`);
          }
          await sleep(100);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(this.loops.length, 1) }, retry));
  }

  /** Compares what the API acknowledged with the rows in the database. */
  async audit(sql: Pool): Promise<Audit> {
    const { buyer, itemId, orderId } = this.target;
    const orders = await sql.query<{ id: number; marker: string }>(
      'SELECT id, final_price_cents::text AS marker FROM orders WHERE item_id = $1 AND buyer_id = $2',
      [itemId, buyer.id],
    );
    const messages = await sql.query<{ id: number; marker: string }>(
      'SELECT id, content AS marker FROM order_messages WHERE order_id = $1',
      [orderId],
    );
    const rows = new Map<string, number[]>();
    const keep = (kind: Write['kind'], r: { id: number; marker: string }) =>
      rows.set(`${kind} ${r.marker}`, [...(rows.get(`${kind} ${r.marker}`) ?? []), r.id]);
    orders.rows.forEach((r) => keep('order', r));
    messages.rows.forEach((r) => keep('message', r));
    const stored = (w: Write) => rows.get(`${w.kind} ${w.marker}`) ?? [];

    const acknowledged = this.writes.filter((w) => w.tries.some(ok));
    return {
      sent: this.writes.length,
      acknowledged,
      lost: acknowledged.filter((w) => w.tries.some((t) => ok(t) && !stored(w).includes(t.id!))),
      duplicated: [...rows].filter(([, ids]) => ids.length > 1).map(([marker]) => marker),
      acknowledgedOnRetry: acknowledged.filter((w) => w.key && !ok(w.tries[0])),
      refusedYetStored: this.writes.filter(
        (w) => !w.key && w.tries[0].status === 503 && stored(w).length > 0,
      ),
      failedTries: this.tries().filter((t) => !ok(t)),
      rowsOf: stored,
    };
  }

  private async loop(kind: Write['kind']): Promise<void> {
    while (!this.stopped) {
      const n = ++this.n;
      const write: Write = {
        kind,
        // Prices from 1.00 upwards, one cent apart: each order's price is its own.
        marker: kind === 'order' ? String(100 + n) : `load ${n}`,
        key: n % 2 === 0 ? `load-${n}-${Math.random().toString(36).slice(2)}` : undefined,
        tries: [],
      };
      this.writes.push(write);
      // A client pauses a little longer after a failure than after a success.
      await sleep(ok(await this.send(write)) ? 10 : 100);
    }
  }

  private async send(write: Write): Promise<Try> {
    const { buyer, itemId, orderId } = this.target;
    let request = (
      write.kind === 'order'
        ? this.t.http.post('/orders').send({ itemId, finalPrice: Number(write.marker) / 100 })
        : this.t.http.post(`/orders/${orderId}/messages`).send({ content: write.marker })
    )
      .set(buyer.auth)
      .timeout(this.hangMs);
    if (write.key) request = request.set('Idempotency-Key', write.key);
    const start = performance.now();
    const waiting = { start };
    this.waiting.add(waiting);
    let attempt: Try;
    try {
      const res = await request;
      attempt = {
        start,
        end: performance.now(),
        status: res.status,
        id: res.body?.id,
        code: res.body?.code,
        message: res.body?.message,
        replayed: res.headers['idempotent-replayed'] === 'true',
      };
    } catch {
      attempt = { start, end: performance.now(), status: 0, replayed: false };
    }
    this.waiting.delete(waiting);
    write.tries.push(attempt);
    return attempt;
  }
}
