import { Module } from '@nestjs/common';
import { UnitOfWorkModule } from '../database/transaction-host';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LiveEventsModule } from '../live/live-events.module';
import { AccessModule } from '../common/access/access.module';
import { PaymentsModule } from '../payments/payments.module';
import { DisputeMessage } from './dispute-message.entity';
import { Dispute } from './dispute.entity';
import { DisputesController } from './disputes.controller';
import { DisputesRepository } from './disputes.repository';
import { DisputesService } from './disputes.service';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { CancellationRequestsModule } from '../cancellation-requests/cancellation-requests.module';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { OrdersModule } from '../orders/orders.module';

import { ChargebacksService } from './chargebacks.service';
import { EarningsModule } from '../earnings/earnings.module';

@Module({
  imports: [
    IdempotencyModule,
    UnitOfWorkModule,
    TypeOrmModule.forFeature([Dispute, DisputeMessage]),
    PaymentsModule,
    AccessModule,
    LiveEventsModule,
    RateLimitModule,
    OrdersModule,
    DeliveriesModule,
    CancellationRequestsModule,
    EarningsModule,
  ],
  controllers: [DisputesController],
  providers: [DisputesService, DisputesRepository, ChargebacksService],
})
export class DisputesModule {}
