import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PaymentSettings } from './payment-settings.entity';
import { Payment } from './payment.entity';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { StripeEvent } from './stripe-event.entity';
import { StripeWebhookService } from './stripe-webhook.service';

@Module({
  imports: [TypeOrmModule.forFeature([Payment, PaymentSettings, StripeEvent])],
  controllers: [PaymentsController],
  providers: [PaymentsService, StripeWebhookService],
  exports: [PaymentsService],
})
export class PaymentsModule {}
