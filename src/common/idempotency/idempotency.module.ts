import { Module } from '@nestjs/common';
import { UnitOfWorkModule } from '../../database/transaction-host';
import { JobsModule } from '../../jobs/jobs.module';
import { ExpiredKeysPurge } from './expired-keys-purge';
import { IdempotencyRepository } from './idempotency.repository';

/**
 * What @Idempotent() routes need (the key store and the unit of work the interceptor opens):
 * imported by the feature modules that have one. It also schedules the hourly purge of expired
 * keys, a durable job that runs once per hour across all instances.
 */
@Module({
  imports: [UnitOfWorkModule, JobsModule],
  providers: [IdempotencyRepository, ExpiredKeysPurge],
  exports: [UnitOfWorkModule, IdempotencyRepository],
})
export class IdempotencyModule {}
