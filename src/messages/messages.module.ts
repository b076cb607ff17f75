import { Module } from '@nestjs/common';
import { UnitOfWorkModule } from '../database/transaction-host';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LiveEventsModule } from '../live/live-events.module';
import { AccessModule } from '../common/access/access.module';
import { OrderMessageRead } from './order-message-read.entity';
import { OrderMessage } from './order-message.entity';
import { MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';

@Module({
  imports: [
    IdempotencyModule,
    UnitOfWorkModule,
    TypeOrmModule.forFeature([OrderMessage, OrderMessageRead]),
    LiveEventsModule,
    AccessModule,
    RateLimitModule,
  ],
  controllers: [MessagesController],
  providers: [MessagesService, MessagesRepository],
})
export class MessagesModule {}
