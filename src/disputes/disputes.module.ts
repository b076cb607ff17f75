import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from '../common/access/access.module';
import { LiveModule } from '../live/live.module';
import { PaymentsModule } from '../payments/payments.module';
import { DisputeMessage } from './dispute-message.entity';
import { Dispute } from './dispute.entity';
import { DisputesController } from './disputes.controller';
import { DisputesRepository } from './disputes.repository';
import { DisputesService } from './disputes.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Dispute, DisputeMessage]),
    AccessModule,
    LiveModule,
    PaymentsModule,
  ],
  controllers: [DisputesController],
  providers: [DisputesService, DisputesRepository],
  exports: [DisputesService],
})
export class DisputesModule {}
