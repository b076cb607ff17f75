import { Module } from '@nestjs/common';
import { UnitOfWorkModule } from '../database/transaction-host';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../common/access/access.module';
import { PaymentSettings } from './payment-settings.entity';
import { Payment } from './payment.entity';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { StripeEvent } from './stripe-event.entity';
import { StripeEventsRepository } from './stripe-events.repository';
import { StripeWebhookService } from './stripe-webhook.service';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';

import { EarningsModule } from '../earnings/earnings.module';

@Module({
  imports: [
    IdempotencyModule,
    UnitOfWorkModule,
    TypeOrmModule.forFeature([Payment, PaymentSettings, StripeEvent]),
    AccessModule,
    EarningsModule,
  ],
  controllers: [PaymentsController],
  providers: [PaymentsService, PaymentsRepository, StripeEventsRepository, StripeWebhookService],
  exports: [PaymentsService, StripeWebhookService],
})
export class PaymentsModule {}
