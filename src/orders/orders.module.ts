import { Module } from '@nestjs/common';
import { UnitOfWorkModule } from '../database/transaction-host';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrderStatusHistory } from './order-status-history.entity';
import { Order } from './order.entity';
import { OrdersController } from './orders.controller';
import { LiveEventsModule } from '../live/live-events.module';
import { AccessModule } from '../common/access/access.module';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';

import { EarningsModule } from '../earnings/earnings.module';

@Module({
  imports: [
    IdempotencyModule,
    UnitOfWorkModule,
    TypeOrmModule.forFeature([Order, OrderStatusHistory]),
    LiveEventsModule,
    AccessModule,
    EarningsModule,
  ],
  controllers: [OrdersController],
  providers: [OrdersService, OrdersRepository],
  exports: [OrdersRepository, OrdersService],
})
export class OrdersModule {}
