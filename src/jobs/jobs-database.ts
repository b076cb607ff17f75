import type { EventEmitter } from 'node:events';
import { Pool, type PoolConfig, type QueryResult } from 'pg';
import type PgBoss from 'pg-boss';
import { completeJobs, failJobsById } from 'pg-boss/src/plans';

/** The connection to PostgreSQL that pg-boss works through: a small pool of its own. */
export interface JobsDatabaseOptions {
  /** pg-boss's schema, whose statements the database recognises. */
  schema: string;
  /** The pool: URL, size and timeouts. */
  pool: PoolConfig;
  /** Hears what fails outside any caller: a pooled connection lost, a run's end not recorded. */
  onError: (err: unknown, what: string) => void;
}

/**
 * pg-boss's database (its `db` option): every statement it sends goes through here, on a pool
 * that the service owns, so that the pool's errors are heard and its end is the service's call.
 *
 * pg-boss 10 records the end of a run (completed or failed) without waiting for it: should that
 * statement fail (the database restarting, a timeout), its rejection is unhandled, and Node ends
 * the process. pg-boss 11 awaits it, but needs Node 22. Those two statements therefore never
 * fail here: their error is reported and they answer "nothing changed". The run then stays
 * active until it expires and is retried, which a handler is written for.
 */
export class JobsDatabase implements PgBoss.Db {
  private readonly pool: Pool;
  private readonly endsOfRuns: Set<string>;
  private readonly onError: JobsDatabaseOptions['onError'];
  private inFlight = 0;

  constructor(options: JobsDatabaseOptions) {
    this.onError = options.onError;
    this.endsOfRuns = new Set([completeJobs(options.schema), failJobsById(options.schema)]);
    this.pool = new Pool({
      ...options.pool,
      // A connection gets its listener before the pool hands it out: a server that ends the
      // session right as it starts would otherwise raise an error that nobody hears.
      onConnect: (client) => void (client as EventEmitter).on('error', () => undefined),
    });
    this.pool.on('error', (err) => this.onError(err, 'An idle jobs connection was lost'));
  }

  /** Whether a statement is under way. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  async executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
    this.inFlight++;
    try {
      return await this.pool.query(text, values);
    } catch (err) {
      if (!this.endsOfRuns.has(text)) throw err;
      this.onError(err, 'Could not record the end of a job run; it runs again once it expires');
      return { rows: [{ count: 0 }] } satisfies Pick<QueryResult, 'rows'>;
    } finally {
      this.inFlight--;
    }
  }

  /** Closes the pool once the statements under way have their answers. */
  async end(): Promise<void> {
    await this.pool.end();
  }
}
