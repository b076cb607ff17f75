import { Client, type ClientConfig } from 'pg';

/** pg's error when a query got no answer within `query_timeout`. */
const READ_TIMEOUT = 'Query read timeout';

export const isQueryReadTimeout = (err: unknown): boolean =>
  err instanceof Error && err.message === READ_TIMEOUT;

/**
 * Drops a client's socket at once. Ending it politely would wait for the server to answer the
 * goodbye, which a silent network never delivers. pg then reports the connection as lost (its
 * 'error' event), so the pool discards it and every query still queued on it fails at once.
 */
export function cutConnection(client: Client): void {
  client.connection.stream.destroy();
}

type QueryCallback = (err: Error | null, result?: unknown) => void;

/**
 * The pool's client. pg's `query_timeout` fails a query that got no answer in time but leaves
 * the connection waiting for that answer: given back to the pool, every later query on it would
 * queue behind the lost one, and the ROLLBACK that follows the failure would wait out a second
 * timeout. This client cuts such a connection instead, so the request fails after one timeout
 * and the pool opens a fresh connection for the next one.
 */
export class BoundedClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    const cutOnTimeout = (err: unknown) => {
      if (isQueryReadTimeout(err)) cutConnection(this);
    };
    this.query = ((...args: unknown[]) => {
      const callback = args.at(-1);
      if (typeof callback === 'function') {
        args[args.length - 1] = (err: Error | null, result?: unknown) => {
          cutOnTimeout(err);
          (callback as QueryCallback)(err, result);
        };
        return query(...args);
      }
      const result = query(...args);
      if (!(result instanceof Promise)) return result;
      return result.catch((err: unknown) => {
        cutOnTimeout(err);
        throw err;
      });
    }) as Client['query'];
  }
}
