import { Module } from '@nestjs/common';
import { UnitOfWorkModule } from '../database/transaction-host';
import { TypeOrmModule } from '@nestjs/typeorm';
import { VenueEventRating } from './venue-event-rating.entity';
import { VenueEventReview } from './venue-event-review.entity';
import { VenueReviewsController } from './venue-reviews.controller';
import { VenueReviewsRepository } from './venue-reviews.repository';
import { VenueReviewsService } from './venue-reviews.service';
import { AccessModule } from '../common/access/access.module';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';

@Module({
  imports: [
    IdempotencyModule,
    UnitOfWorkModule,
    TypeOrmModule.forFeature([VenueEventReview, VenueEventRating]),
    AccessModule,
  ],
  controllers: [VenueReviewsController],
  providers: [VenueReviewsService, VenueReviewsRepository],
})
export class VenueReviewsModule {}
