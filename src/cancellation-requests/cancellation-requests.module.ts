import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../common/access/access.module';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { UnitOfWorkModule } from '../database/transaction-host';
import { LiveEventsModule } from '../live/live-events.module';
import { OrdersModule } from '../orders/orders.module';
import { JobsModule } from '../jobs/jobs.module';
import { CancellationExpiryJob } from './cancellation-expiry.job';
import { OrderCancellationRequest } from './cancellation-request.entity';
import { CancellationRequestsController } from './cancellation-requests.controller';
import { CancellationRequestsRepository } from './cancellation-requests.repository';
import { CancellationRequestsService } from './cancellation-requests.service';

/** Cancellation by consent of PROTECTED orders. */
@Module({
  imports: [
    IdempotencyModule,
    UnitOfWorkModule,
    TypeOrmModule.forFeature([OrderCancellationRequest]),
    LiveEventsModule,
    AccessModule,
    OrdersModule,
    JobsModule,
  ],
  controllers: [CancellationRequestsController],
  providers: [CancellationRequestsService, CancellationRequestsRepository, CancellationExpiryJob],
  exports: [CancellationRequestsRepository, CancellationExpiryJob],
})
export class CancellationRequestsModule {}
