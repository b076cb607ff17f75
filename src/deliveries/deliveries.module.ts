import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../common/access/access.module';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { UnitOfWorkModule } from '../database/transaction-host';
import { LiveEventsModule } from '../live/live-events.module';
import { OrdersModule } from '../orders/orders.module';
import { JobsModule } from '../jobs/jobs.module';
import { AutoCompleteJob } from './auto-complete.job';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveriesService } from './deliveries.service';
import { OrderDelivery } from './order-delivery.entity';
import { OrderRevisionRequest } from './order-revision-request.entity';

/** The PROTECTED process's hand-over: deliveries, and the buyer's revision requests. */
@Module({
  imports: [
    IdempotencyModule,
    UnitOfWorkModule,
    TypeOrmModule.forFeature([OrderDelivery, OrderRevisionRequest]),
    LiveEventsModule,
    AccessModule,
    OrdersModule,
    JobsModule,
  ],
  controllers: [DeliveriesController],
  providers: [DeliveriesService, DeliveriesRepository, AutoCompleteJob],
  exports: [AutoCompleteJob],
})
export class DeliveriesModule {}
