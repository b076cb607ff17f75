import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrderStatusHistory } from './order-status-history.entity';
import { Order } from './order.entity';
import { OrdersController } from './orders.controller';
import { LiveEventsModule } from '../live/live-events.module';
import { OrderAccessService, OrderPartyGuard } from './order-access.guard';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

@Module({
  imports: [TypeOrmModule.forFeature([Order, OrderStatusHistory]), LiveEventsModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrdersRepository, OrderAccessService, OrderPartyGuard],
  exports: [OrdersRepository, OrderAccessService, OrderPartyGuard],
})
export class OrdersModule {}
