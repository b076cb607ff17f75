import { Injectable, OnModuleInit } from '@nestjs/common';
import { defineQueue } from '../../jobs/job-queue';
import { JobsService } from '../../jobs/jobs.service';
import { IdempotencyRepository } from './idempotency.repository';

/** The purge of idempotency keys past their 24 hours: a recurring job, at the top of each hour. */
export const PURGE_EXPIRED_KEYS = defineQueue<Record<string, never>>('idempotency-keys-purge');
export const PURGE_EXPIRED_KEYS_CRON = '0 * * * *';

/**
 * Housekeeping only: expired keys are ignored by find() whether or not they were purged, so a
 * purge that runs late costs some disk, never a wrong replay, and one that runs twice deletes
 * nothing the second time.
 */
@Injectable()
export class ExpiredKeysPurge implements OnModuleInit {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly jobs: JobsService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.register(PURGE_EXPIRED_KEYS, () => this.keys.purgeExpired());
    await this.jobs.schedule(PURGE_EXPIRED_KEYS, PURGE_EXPIRED_KEYS_CRON);
  }
}
