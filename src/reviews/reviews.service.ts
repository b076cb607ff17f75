import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/roles';
import { idsBefore } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import type { CreateReviewDto, ReviewResponse, UserAverageResponse } from './dto/review.dto';
import { ReviewErrors } from './review.errors';
import { ReviewsRepository, type ReviewRecord, type ReviewRefusal } from './reviews.repository';
import { orderNotFound } from '../orders/order.errors';
import { userNotFound } from '../users/user.errors';

const toReviewResponse = (r: ReviewRecord): ReviewResponse => ({
  id: r.id,
  orderId: r.orderId,
  authorId: r.authorId,
  authorUsername: r.authorUsername,
  reviewedUserId: r.reviewedUserId,
  score: r.score,
  comment: r.comment,
  createdAt: new Date(r.createdAt).toISOString(),
});

@Injectable()
export class ReviewsService {
  constructor(private readonly reviews: ReviewsRepository) {}

  /** The buyer of a COMPLETED order reviews its creator, once per order. */
  async create(user: AuthUser, dto: CreateReviewDto): Promise<ReviewResponse> {
    const result = await this.reviews.createForCompletedOrder({
      orderId: dto.orderId,
      authorId: user.id,
      score: dto.score,
      comment: dto.comment ?? null,
    });
    if (result.ok) return toReviewResponse(result.review);
    throw refused(dto.orderId, result);
  }

  /** Reviews about one creator, newest first. */
  async listForUser(userId: number, query: PageQueryDto): Promise<Page<ReviewResponse>> {
    const rows = await this.reviews.pageAbout(userId, idsBefore(query.cursor), query.limit + 1);
    return Page.fromRows(rows, query.limit, toReviewResponse);
  }

  /** All reviews, newest first (moderation). */
  async listAll(query: PageQueryDto): Promise<Page<ReviewResponse>> {
    const rows = await this.reviews.page(idsBefore(query.cursor), query.limit + 1);
    return Page.fromRows(rows, query.limit, toReviewResponse);
  }

  async forOrder(orderId: number): Promise<ReviewResponse | null> {
    const review = await this.reviews.findForOrder(orderId);
    return review ? toReviewResponse(review) : null;
  }

  async average(userId: number): Promise<UserAverageResponse> {
    const rating = await this.reviews.ratingOf(userId);
    if (!rating) throw userNotFound(userId);
    const [s1, s2, s3, s4, s5] = rating.distribution;
    return {
      userId,
      average: rating.average,
      count: rating.count,
      distribution: { '1': s1, '2': s2, '3': s3, '4': s4, '5': s5 },
    };
  }

  /** Moderation: the creator's average follows in the same statement. */
  async remove(id: number): Promise<void> {
    if (!(await this.reviews.delete(id))) {
      throw ReviewErrors.REVIEW_NOT_FOUND(`Review ${id} does not exist.`);
    }
  }
}

function refused(orderId: number, refusal: ReviewRefusal) {
  switch (refusal.reason) {
    case 'ORDER_NOT_FOUND':
      return orderNotFound(orderId);
    case 'NOT_BUYER':
      return ReviewErrors.REVIEW_ONLY_BY_BUYER('Only the buyer of this order may review it.');
    case 'NOT_COMPLETED':
      return ReviewErrors.REVIEW_ORDER_NOT_COMPLETED(
        `The order is ${refusal.orderStatus}; it can be reviewed once it is COMPLETED.`,
      );
    case 'ALREADY_REVIEWED':
      return ReviewErrors.REVIEW_ALREADY_EXISTS('This order has already been reviewed.');
  }
}
