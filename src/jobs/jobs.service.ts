import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import PgBoss from 'pg-boss';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EnvironmentVariables } from '../config/env.validation';
import type { JobHandler, JobQueue } from './job-queue';
import { JOBS_SCHEMA, JobsRepository, type JobsDatabase } from './jobs.repository';

/** How long a shutdown waits for the runs under way. */
const STOP_TIMEOUT_MS = 10_000;

const QUEUE_DEFAULTS = { retryLimit: 5, retryDelaySeconds: 10, expireInSeconds: 15 * 60 };

interface Work {
  queue: JobQueue<object>;
  handler: JobHandler<object>;
}

/**
 * Durable jobs in PostgreSQL, through pg-boss: one-off timers (`sendAt`) and recurring work
 * (`schedule`), run by handlers that features `register` in their onModuleInit. Jobs live in
 * the database, so they survive restarts, and every instance works the same queues: each run
 * is taken by one instance (`FOR UPDATE SKIP LOCKED`). Delivery is at least once (a failed run
 * is retried; a run whose instance died is retried once it expires), so handlers re-check the
 * state they act on in their own transaction.
 *
 * One pg-boss per application, on its own small pool; its schema comes from the migrations
 * (`migrate: false`). It starts when the application has bootstrapped, so no handler runs
 * before every module is ready, and stops before the database pool closes.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly database: JobsDatabase;
  private readonly boss: PgBoss;
  private readonly work = new Map<string, Work>();
  private readonly schedules = new Map<string, { queue: JobQueue<object>; cron: string }>();
  /** Queues this instance has created or updated, by name. */
  private readonly queues = new Map<string, Promise<void>>();
  private started = false;
  /** Handlers running now. */
  private running = 0;
  /** pg-boss's database inside the caller's unit of work, or else on the application's pool. */
  private readonly unitOfWork: PgBoss.Db;

  constructor(jobsDatabase: JobsRepository, config: ConfigService<EnvironmentVariables, true>) {
    this.database = jobsDatabase.pool;
    this.unitOfWork = jobsDatabase.unitOfWork;
    this.boss = new PgBoss({
      db: this.database,
      schema: JOBS_SCHEMA,
      migrate: false,
      pollingIntervalSeconds: config.get('JOBS_POLL_SECONDS', { infer: true }),
    });
    // Upkeep and scheduling report here and try again on their next turn; never fatal.
    this.boss.on('error', (err) => this.logger.warn({ err }, 'pg-boss reported an error'));
  }

  /** Works the queue's jobs on this instance; once per queue and instance. */
  async register<T extends object>(queue: JobQueue<T>, handler: JobHandler<T>): Promise<void> {
    if (this.work.has(queue.name)) throw new Error(`Queue ${queue.name} already has a handler`);
    const work: Work = { queue, handler: handler as JobHandler<object> };
    this.work.set(queue.name, work);
    if (this.started) await this.startWork(work);
  }

  /**
   * Runs the queue's handler on `cron` (five fields, UTC), once per occurrence across all
   * instances. Its jobs carry no data.
   */
  async schedule(queue: JobQueue<Record<string, never>>, cron: string): Promise<void> {
    this.schedules.set(queue.name, { queue, cron });
    if (this.started) await this.startSchedule(queue, cron);
  }

  /**
   * A one-off job, run at `runAt` or soon after (a past `runAt`: at once). Inside a unit of work
   * the job is written in its transaction: it exists if and only if that commits. Returns the
   * job's id, or null when a queue with `oneWaitingPerKey` already has a job waiting with `key`.
   */
  async sendAt<T extends object>(
    queue: JobQueue<T>,
    data: T,
    runAt: Date,
    key?: string,
  ): Promise<string | null> {
    if (Boolean(queue.options.oneWaitingPerKey) !== (key !== undefined)) {
      throw new Error(
        queue.options.oneWaitingPerKey
          ? `Jobs of ${queue.name} need a key`
          : `${queue.name} does not keep one job per key; send without a key`,
      );
    }
    await this.ensureQueue(queue);
    return this.boss.send(queue.name, data, {
      startAfter: runAt,
      singletonKey: key,
      db: this.unitOfWork,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.boss.start();
    } catch (err) {
      throw new Error(
        `The job queue could not start: ${err instanceof Error ? err.message : String(err)}. ` +
          `Its tables (schema ${JOBS_SCHEMA}) come from the migrations; a pg-boss upgrade that ` +
          'changes them needs a migration running PgBoss.getMigrationPlans.',
      );
    }
    this.started = true;
    for (const work of this.work.values()) await this.startWork(work);
    for (const { queue, cron } of this.schedules.values()) await this.startSchedule(queue, cron);
  }

  /**
   * Stops taking jobs and waits for the runs under way, up to STOP_TIMEOUT_MS (pg-boss fails
   * those still running then, to be retried), before the database pool closes.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.started) {
      this.started = false;
      await this.boss
        .stop({ graceful: true, wait: true, close: false, timeout: STOP_TIMEOUT_MS })
        .catch((err: unknown) => this.logger.warn({ err }, 'pg-boss did not stop cleanly'));
    }
    // A poll under way when pg-boss stopped may still hand over a job, and every run ends with
    // a statement: wait until none is left.
    const until = Date.now() + STOP_TIMEOUT_MS;
    while ((this.running > 0 || this.database.busy) && Date.now() < until) await sleep(20);
    await this.database.end();
  }

  private async startWork({ queue, handler }: Work): Promise<void> {
    await this.ensureQueue(queue);
    // The worker's id, known once work() answers: its handler asks it to look again at once.
    const worker: { id?: string } = {};
    worker.id = await this.boss.work<object>(queue.name, { batchSize: 1 }, async ([job]) => {
      this.running++;
      try {
        return await handler(job.data, { id: job.id, queue: queue.name });
      } catch (err) {
        this.logger.warn({ err, queue: queue.name, jobId: job.id }, 'A job run failed');
        throw err;
      } finally {
        this.running--;
        // There may be more due: look again at once rather than after the polling interval.
        if (worker.id) this.boss.notifyWorker(worker.id);
      }
    });
  }

  private async startSchedule(queue: JobQueue<object>, cron: string): Promise<void> {
    await this.ensureQueue(queue);
    await this.boss.schedule(queue.name, cron, {}, { tz: 'UTC' });
  }

  /** Creates the queue, or brings its options in line with the code; once per instance. */
  private ensureQueue(queue: JobQueue<object>): Promise<void> {
    let done = this.queues.get(queue.name);
    if (!done) {
      const { retryLimit, retryDelaySeconds, expireInSeconds } = {
        ...QUEUE_DEFAULTS,
        ...queue.options,
      };
      const options: PgBoss.Queue = {
        name: queue.name,
        policy: queue.options.oneWaitingPerKey ? 'short' : 'standard',
        retryLimit,
        retryDelay: retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds,
      };
      done = this.boss
        .createQueue(queue.name, options)
        .then(() => this.boss.updateQueue(queue.name, options));
      // A failure is not kept: the next use tries again.
      done.catch(() => this.queues.delete(queue.name));
      this.queues.set(queue.name, done);
    }
    return done;
  }
}
