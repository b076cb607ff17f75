import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import type { AuthUser } from '../common/auth/roles';
import { idsBefore } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type {
  CreateVenueReviewDto,
  TargetAverageResponse,
  TargetPageQueryDto,
  TargetQueryDto,
  VenueReviewResponse,
} from './dto/venue-review.dto';
import { VenueReviewErrors, venueReviewNotFound } from './venue-review.errors';
import { VenueReviewsRepository, type VenueReviewRecord } from './venue-reviews.repository';
import { eventNotFound } from '../events/event.errors';
import { venueNotFound } from '../venues/venue.errors';

const toResponse = (r: VenueReviewRecord): VenueReviewResponse => ({
  id: r.id,
  authorId: r.authorId,
  authorUsername: r.authorUsername,
  targetId: r.targetId,
  targetType: r.targetType,
  score: r.score,
  comment: r.comment,
  createdAt: new Date(r.createdAt).toISOString(),
});

@Injectable()
export class VenueReviewsService {
  constructor(
    private readonly reviews: VenueReviewsRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * A venue, or an event that has started, once per person. The target stays locked until the
   * review is written, so it cannot be deleted in between.
   */
  async create(user: AuthUser, dto: CreateVenueReviewDto): Promise<VenueReviewResponse> {
    return this.uow.run(async () => {
      const target = { targetType: dto.targetType, targetId: dto.targetId };
      const locked = await this.reviews.lockTarget(target);
      if (!locked) {
        throw dto.targetType === 'VENUE'
          ? venueNotFound(dto.targetId)
          : eventNotFound(dto.targetId);
      }
      if (!locked.started) {
        throw VenueReviewErrors.VENUE_REVIEW_EVENT_NOT_STARTED(
          'This event has not started yet; review it once it has.',
        );
      }
      const result = await this.reviews.create({
        ...target,
        authorId: user.id,
        score: dto.score,
        comment: dto.comment ?? null,
      });
      if (!result.ok) {
        throw VenueReviewErrors.VENUE_REVIEW_DUPLICATE(
          `You have already reviewed this ${dto.targetType.toLowerCase()}.`,
        );
      }
      return toResponse(result.review);
    });
  }

  /** Reviews of one venue or event, newest first. */
  async list(query: TargetPageQueryDto): Promise<Page<VenueReviewResponse>> {
    const rows = await this.reviews.page(query, idsBefore(query.cursor), query.limit + 1);
    return Page.fromRows(rows, query.limit, toResponse);
  }

  async average(query: TargetQueryDto): Promise<TargetAverageResponse> {
    const rating = await this.reviews.ratingOf(query);
    return { targetId: query.targetId, targetType: query.targetType, ...rating };
  }

  /** Its author or an admin: declared on the route (@RequireOwner). */
  async remove(id: number): Promise<void> {
    // Deleted by someone else since the route's check: gone all the same.
    if (!(await this.reviews.delete(id))) {
      throw venueReviewNotFound(id);
    }
  }
}
