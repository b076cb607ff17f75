/** What a queue does with its jobs; the defaults suit a handler that writes to the database. */
export interface QueueOptions {
  /** Runs after the first that may follow a failure (default 5). */
  retryLimit?: number;
  /**
   * Seconds before the first retry (default 10), then about twice as long before each next one,
   * with jitter: the default five retries span several minutes, a database restart included.
   */
  retryDelaySeconds?: number;
  /** A run that takes longer counts as failed and is retried (default 900; below a day). */
  expireInSeconds?: number;
  /**
   * At most one job per key waits in this queue: `sendAt` with the key of a job that has not
   * started yet adds nothing and returns null. Every job of such a queue needs a key.
   */
  oneWaitingPerKey?: boolean;
}

/**
 * A queue and the data of its jobs. Features define each queue once, as a constant, and use it
 * both to send and to work, so that the two agree on the data's type and the queue's options.
 */
export interface JobQueue<T extends object> {
  readonly name: string;
  readonly options: Readonly<QueueOptions>;
  /** Never set: carries the data's type from `sendAt` to the handler. */
  readonly dataType?: T;
}

/** Which job a handler runs, for its logs. */
export interface JobInfo {
  id: string;
  queue: string;
}

/**
 * Runs one job. It may run more than once for the same job (a retry after a failure, or after an
 * instance died before recording the end of the run), so it re-checks, in the transaction in
 * which it acts, that the state it acts on still calls for it. Throwing fails the run.
 */
export type JobHandler<T extends object> = (data: T, job: JobInfo) => Promise<unknown>;

/** Letters, digits, `_`, `-` and `.`: safe in pg-boss's tables and in its later versions. */
const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function defineQueue<T extends object>(
  name: string,
  options: QueueOptions = {},
): JobQueue<T> {
  if (!QUEUE_NAME.test(name)) throw new Error(`Not a queue name: ${JSON.stringify(name)}`);
  return { name, options };
}
