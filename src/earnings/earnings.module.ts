import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UnitOfWorkModule } from '../database/transaction-host';
import { JobsModule } from '../jobs/jobs.module';
import { StripeModule } from '../stripe/stripe.module';
import { ClearanceJob } from './clearance.job';
import { EarningsController } from './earnings.controller';
import { EarningsRepository } from './earnings.repository';
import { EarningsService } from './earnings.service';
import { LedgerEntry } from './ledger-entry.entity';
import { RefundExecutionJob } from './refund-execution.job';

/** The earnings ledger: what each seller is owed, and when. */
@Module({
  imports: [UnitOfWorkModule, TypeOrmModule.forFeature([LedgerEntry]), JobsModule, StripeModule],
  controllers: [EarningsController],
  providers: [EarningsService, EarningsRepository, ClearanceJob, RefundExecutionJob],
  exports: [EarningsService],
})
export class EarningsModule {}
