import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { UnitOfWorkModule } from '../database/transaction-host';
import { JobsModule } from '../jobs/jobs.module';
import { StripeModule } from '../stripe/stripe.module';
import { Payout } from './payout.entity';
import { PayoutExecutionJob } from './payout-execution.job';
import { PayoutsController } from './payouts.controller';
import { PayoutsRepository } from './payouts.repository';
import { PayoutsService } from './payouts.service';

/** Payouts of sellers' AVAILABLE earnings, and their transfer at Stripe. */
@Module({
  imports: [
    IdempotencyModule,
    UnitOfWorkModule,
    TypeOrmModule.forFeature([Payout]),
    JobsModule,
    StripeModule,
  ],
  controllers: [PayoutsController],
  providers: [PayoutsService, PayoutsRepository, PayoutExecutionJob],
})
export class PayoutsModule {}
