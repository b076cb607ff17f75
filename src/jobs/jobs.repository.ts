import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Pool, type PoolConfig, type QueryResult } from 'pg';
import type PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { BoundedClient } from '../database/bounded-client';
import { completeJobs, failJobsById } from 'pg-boss/src/plans';

/*
 * The jobs feature's database access: every statement pg-boss sends (its own SQL, from its
 * plans) goes through one of the two databases below. ECHO writes no job SQL of its own.
 */

/** The schema the migrations give pg-boss. */
export const JOBS_SCHEMA = 'pgboss';
/** How the jobs pool shows in pg_stat_activity. */
export const JOBS_APPLICATION_NAME = 'echo-jobs';
/** Connections of the jobs pool: polling, scheduling and upkeep, one statement at a time each. */
const JOBS_POOL_SIZE = 2;

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

/**
 * The two databases pg-boss works through: its own pool, with the application's timeouts (a
 * silent database fails a statement instead of hanging it), and the caller's unit of work, where
 * a job sent is written in the caller's transaction and exists only if it commits.
 */
@Injectable()
export class JobsRepository {
  private readonly logger = new Logger('Jobs');
  readonly pool: JobsDatabase;
  readonly unitOfWork: PgBoss.Db;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {
    const options = dataSource.options as PostgresConnectionOptions;
    const extra = (options.extra ?? {}) as PoolConfig;
    this.pool = new JobsDatabase({
      schema: JOBS_SCHEMA,
      pool: {
        connectionString: options.url,
        max: JOBS_POOL_SIZE,
        application_name: JOBS_APPLICATION_NAME,
        connectionTimeoutMillis: extra.connectionTimeoutMillis,
        statement_timeout: extra.statement_timeout,
        query_timeout: extra.query_timeout,
        Client: BoundedClient,
      },
      onError: (err, what) => this.logger.warn({ err }, what),
    });
    this.unitOfWork = {
      executeSql: async (text, values) => ({
        rows: await txHost.tx.query<unknown[]>(text, values),
      }),
    };
  }
}
