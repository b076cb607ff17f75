import { Injectable, Logger, Module, OnModuleDestroy } from '@nestjs/common';
import { UnitOfWorkModule } from '../../database/transaction-host';
import { IdempotencyRepository } from './idempotency.repository';

/** Deletes keys past their 24 hours, once an hour. */
@Injectable()
class ExpiredKeysPurge implements OnModuleDestroy {
  private readonly logger = new Logger('Idempotency');
  // Housekeeping only: expired keys are ignored by find() whether or not they were purged, so
  // a purge that a restart skips costs some disk, never a wrong replay.
  private readonly timer = setInterval(() => void this.purge(), 60 * 60 * 1000).unref();

  constructor(private readonly keys: IdempotencyRepository) {}

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async purge() {
    await this.keys
      .purgeExpired()
      .catch((err: unknown) => this.logger.warn({ err }, 'Could not purge idempotency keys'));
  }
}

/**
 * What @Idempotent() routes need (the key store and the unit of work the interceptor opens):
 * imported by the feature modules that have one. The purge runs once per application.
 */
@Module({
  imports: [UnitOfWorkModule],
  providers: [IdempotencyRepository, ExpiredKeysPurge],
  exports: [UnitOfWorkModule, IdempotencyRepository],
})
export class IdempotencyModule {}
