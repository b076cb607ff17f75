import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  PURGE_EXPIRED_KEYS,
  PURGE_EXPIRED_KEYS_CRON,
} from '../../src/common/idempotency/expired-keys-purge';
import { UnitOfWork } from '../../src/database/transaction-host';
import { defineQueue, type QueueOptions } from '../../src/jobs/job-queue';
import { JOBS_APPLICATION_NAME } from '../../src/jobs/jobs.repository';
import { JobsService } from '../../src/jobs/jobs.service';
import { cloneTemplate } from '../support/databases';
import { aUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** Workers look for due jobs every half second (the least pg-boss allows). */
const ENV = { JOBS_POLL_SECONDS: '0.5' };

/** A queue of this test's own, so that no other test's handler takes its jobs. */
const aQueue = <T extends object>(options: QueueOptions = {}) =>
  defineQueue<T>(`test-${randomBytes(4).toString('hex')}`, options);

const jobsOf = (t: TestApp) => t.app.get(JobsService);

/** Polls until `check()` holds; fails after `ms` (a bound against hanging, not a speed test). */
async function until(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

interface JobRow {
  state: string;
  retryCount: number;
}

async function jobRow(t: TestApp, id: string | null): Promise<JobRow | undefined> {
  const { rows } = await t.sql.query<JobRow>(
    `SELECT state, retry_count AS "retryCount" FROM pgboss.job WHERE id = $1`,
    [id],
  );
  return rows[0];
}

const completed = (t: TestApp, id: string | null) => async () =>
  (await jobRow(t, id))?.state === 'completed';

describe('durable jobs (pg-boss)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(ENV);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs a job sent for a moment ahead once, when it is due, with its data', async () => {
    const queue = aQueue<{ n: number; text: string }>();
    const runs: { data: unknown; at: number }[] = [];
    await jobsOf(t).register(queue, (data) => {
      runs.push({ data, at: Date.now() });
      return Promise.resolve();
    });
    const runAt = new Date(Date.now() + 1_000);
    const id = await jobsOf(t).sendAt(queue, { n: 42, text: 'hello' }, runAt);
    expect(id).toEqual(expect.any(String));

    await until(completed(t, id), 'the job to complete');
    expect(runs).toEqual([{ data: { n: 42, text: 'hello' }, at: expect.any(Number) }]);
    expect(runs[0].at).toBeGreaterThanOrEqual(runAt.getTime());
    expect(await jobRow(t, id)).toEqual({ state: 'completed', retryCount: 0 });
  });

  it('keeps a job across a restart: sent by one instance, run by the next', async () => {
    const db = await cloneTemplate();
    const queue = aQueue<{ orderId: number }>();
    try {
      const a = await startTestApp(ENV, { databaseUrl: db.url });
      let id: string | null;
      try {
        id = await jobsOf(a).sendAt(queue, { orderId: 7 }, new Date(Date.now() + 2_000));
      } finally {
        await a.close();
      }
      const b = await startTestApp(ENV, { databaseUrl: db.url });
      try {
        expect(await jobRow(b, id)).toEqual({ state: 'created', retryCount: 0 });
        const runs: unknown[] = [];
        await jobsOf(b).register(queue, (data, job) => {
          runs.push({ data, id: job.id });
          return Promise.resolve();
        });
        await until(completed(b, id), 'the job to complete on the second instance');
        expect(runs).toEqual([{ data: { orderId: 7 }, id }]);
      } finally {
        await b.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('runs each job once with two instances working the same queue', async () => {
    const b = await startTestApp(ENV, { databaseUrl: t.url });
    try {
      const N = 20;
      const queue = aQueue<{ i: number }>();
      const ranOn = new Map<number, string[]>();
      const worker =
        (instance: string) =>
        async ({ i }: { i: number }) => {
          ranOn.set(i, [...(ranOn.get(i) ?? []), instance]);
          // Long enough that the other instance polls while this one is busy.
          await sleep(100);
        };
      await jobsOf(t).register(queue, worker('A'));
      await jobsOf(b).register(queue, worker('B'));
      const runAt = new Date(Date.now() + 1_000);
      const ids = await Promise.all(
        Array.from({ length: N }, (_, i) => jobsOf(i % 2 ? b : t).sendAt(queue, { i }, runAt)),
      );
      expect(new Set(ids).size).toBe(N);

      await until(
        async () => (await Promise.all(ids.map((id) => completed(t, id)()))).every(Boolean),
        `all ${N} jobs to complete`,
      );
      expect([...ranOn.keys()].sort((x, y) => x - y)).toEqual(
        Array.from({ length: N }, (_, i) => i),
      );
      const instances = [...ranOn.values()];
      expect(instances.filter((on) => on.length !== 1)).toEqual([]);
      // Both took part: what was shown is that they shared the jobs, not that one did them all.
      expect(new Set(instances.flat())).toEqual(new Set(['A', 'B']));
    } finally {
      await b.close();
    }
  });

  it('writes a job sent inside a unit of work in its transaction: no commit, no job', async () => {
    const queue = aQueue<{ n: number }>();
    const uow = t.app.get(UnitOfWork);
    const later = new Date(Date.now() + 60_000);
    await expect(
      uow.run(async () => {
        await jobsOf(t).sendAt(queue, { n: 1 }, later);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await uow.run(() => jobsOf(t).sendAt(queue, { n: 2 }, later));
    const { rows } = await t.sql.query('SELECT data FROM pgboss.job WHERE name = $1', [queue.name]);
    expect(rows).toEqual([{ data: { n: 2 } }]);
  });

  it('keeps one waiting job per key in a queue that asks for it', async () => {
    const queue = aQueue<{ orderId: number }>({ oneWaitingPerKey: true });
    const later = new Date(Date.now() + 60_000);
    const send = (orderId: number, key?: string) =>
      jobsOf(t).sendAt(queue, { orderId }, later, key);
    expect(await send(1, 'order:1')).toEqual(expect.any(String));
    expect(await send(1, 'order:1')).toBeNull();
    expect(await send(2, 'order:2')).toEqual(expect.any(String));
    await expect(send(3)).rejects.toThrow(/need a key/);
    await expect(jobsOf(t).sendAt(aQueue<object>(), {}, later, 'k')).rejects.toThrow(
      /send without a key/,
    );
  });

  it('purges idempotency keys older than 24 hours, hourly, and keeps the newer ones', async () => {
    const { rows: schedules } = await t.sql.query(
      'SELECT cron, timezone FROM pgboss.schedule WHERE name = $1',
      [PURGE_EXPIRED_KEYS.name],
    );
    expect(schedules).toEqual([{ cron: PURGE_EXPIRED_KEYS_CRON, timezone: 'UTC' }]);
    expect(PURGE_EXPIRED_KEYS_CRON).toBe('0 * * * *');

    const user = await aUser(t);
    await t.sql.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, state, status_code, response, created_at)
       VALUES ($1, 'expired', repeat('a', 64), 'done', 201, '{}', now() - interval '25 hours'),
              ($1, 'fresh', repeat('b', 64), 'done', 201, '{}', now() - interval '23 hours')`,
      [user.id],
    );
    // The job the schedule sends at the top of the hour, sent now through the same queue.
    const id = await jobsOf(t).sendAt(PURGE_EXPIRED_KEYS, {}, new Date());
    await until(completed(t, id), 'the purge to complete');
    const { rows } = await t.sql.query('SELECT key FROM idempotency_keys WHERE user_id = $1', [
      user.id,
    ]);
    expect(rows).toEqual([{ key: 'fresh' }]);
  });

  it('survives failing to record the end of a run: no crash, and the run is left to expire', async () => {
    // Statements time out after a second, so the one that records the end of the run fails
    // while the test holds the job table locked.
    const c = await startTestApp(
      { ...ENV, DB_STATEMENT_TIMEOUT_MS: '1000' },
      { databaseUrl: t.url },
    );
    const gate = await t.sql.connect();
    const unhandled: unknown[] = [];
    const hear = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', hear);
    try {
      const queue = aQueue<object>();
      let runs = 0;
      await jobsOf(c).register(queue, async () => {
        if (++runs > 1) return;
        await gate.query('BEGIN');
        await gate.query('LOCK TABLE pgboss.job IN ACCESS EXCLUSIVE MODE');
      });
      const id = await jobsOf(c).sendAt(queue, {}, new Date());
      const endsWaiting = async () =>
        (
          await t.sql.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE application_name = $1 AND wait_event_type = 'Lock'
               AND query LIKE '%SET completed_on = now(),%state = ''completed''%'`,
            [JOBS_APPLICATION_NAME],
          )
        ).rows[0].n;
      await until(async () => (await endsWaiting()) === 1, 'the end of the run to wait');
      await until(async () => (await endsWaiting()) === 0, 'the end of the run to time out');
      await sleep(100); // an unhandled rejection is reported by now
      await gate.query('ROLLBACK');

      expect(unhandled).toEqual([]);
      // Not recorded: the run stays active until it expires, then pg-boss runs it again.
      expect(await jobRow(t, id)).toEqual({ state: 'active', retryCount: 0 });
      // The instance carries on.
      const next = await jobsOf(c).sendAt(queue, {}, new Date());
      await until(completed(t, next), 'the next job to complete');
      expect(runs).toBe(2);
    } finally {
      process.off('unhandledRejection', hear);
      await gate.query('ROLLBACK').catch(() => undefined);
      gate.release();
      await c.close();
    }
  });
});
