import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LiveEventsModule } from '../live/live-events.module';
import { OrdersModule } from '../orders/orders.module';
import { DisputeAccessService, DisputePartyGuard } from './dispute-access.guard';
import { PaymentsModule } from '../payments/payments.module';
import { DisputeMessage } from './dispute-message.entity';
import { Dispute } from './dispute.entity';
import { DisputesController } from './disputes.controller';
import { DisputesRepository } from './disputes.repository';
import { DisputesService } from './disputes.service';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';

@Module({
  imports: [
    TypeOrmModule.forFeature([Dispute, DisputeMessage]),
    PaymentsModule,
    OrdersModule,
    LiveEventsModule,
    RateLimitModule,
  ],
  controllers: [DisputesController],
  providers: [DisputesService, DisputesRepository, DisputeAccessService, DisputePartyGuard],
  exports: [DisputesService, DisputeAccessService, DisputePartyGuard],
})
export class DisputesModule {}
