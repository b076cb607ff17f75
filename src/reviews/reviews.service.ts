import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OrderLookup } from '../common/access/order-lookup';
import type { AuthUser } from '../common/auth/roles';
import { idsBefore } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import type { CreateReviewDto, ReviewResponse, UserAverageResponse } from './dto/review.dto';

interface ReviewRow {
  id: number;
  order_id: number;
  author_id: number;
  author_username: string;
  reviewed_user_id: number;
  score: number;
  comment: string | null;
  created_at: Date;
}

const REVIEW_COLUMNS = `r.id, r.order_id, r.author_id, u.username AS author_username,
  r.reviewed_user_id, r.score, r.comment, r.created_at`;

const toReviewResponse = (r: ReviewRow): ReviewResponse => ({
  id: r.id,
  orderId: r.order_id,
  authorId: r.author_id,
  authorUsername: r.author_username,
  reviewedUserId: r.reviewed_user_id,
  score: r.score,
  comment: r.comment,
  createdAt: new Date(r.created_at).toISOString(),
});

@Injectable()
export class ReviewsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrderLookup,
  ) {}

  /**
   * The insert itself enforces every rule it can: it only happens for the buyer of a COMPLETED
   * order, and the unique constraint on order_id turns a second review, even a concurrent one,
   * into "nothing inserted". Only then is the order read to explain which rule failed.
   */
  async create(user: AuthUser, dto: CreateReviewDto): Promise<ReviewResponse> {
    const rows: ReviewRow[] = await this.dataSource.query(
      `WITH created AS (
         INSERT INTO reviews (order_id, author_id, reviewed_user_id, score, comment)
         SELECT o.id, o.buyer_id, o.seller_id, $3, $4 FROM orders o
         WHERE o.id = $1 AND o.buyer_id = $2 AND o.status = 'COMPLETED'
         ON CONFLICT (order_id) DO NOTHING
         RETURNING *
       )
       SELECT ${REVIEW_COLUMNS} FROM created r JOIN users u ON u.id = r.author_id`,
      [dto.orderId, user.id, dto.score, dto.comment ?? null],
    );
    if (rows.length) return toReviewResponse(rows[0]);
    const order = await this.orders.find(dto.orderId);
    if (!order) throw new NotFoundException(`Order ${dto.orderId} does not exist.`);
    if (order.buyerId !== user.id) {
      throw new ForbiddenException('Only the buyer of this order may review it.');
    }
    if (order.status !== 'COMPLETED') {
      throw new ConflictException(
        `The order is ${order.status}; it can be reviewed once it is COMPLETED.`,
      );
    }
    throw new ConflictException('This order has already been reviewed.');
  }

  /** Reviews about one creator, newest first. */
  async listForUser(userId: number, query: PageQueryDto): Promise<Page<ReviewResponse>> {
    const before = idsBefore(query.cursor);
    const rows: ReviewRow[] = await this.dataSource.query(
      `SELECT ${REVIEW_COLUMNS} FROM reviews r JOIN users u ON u.id = r.author_id
       WHERE r.reviewed_user_id = $1 AND r.id < $2 ORDER BY r.id DESC LIMIT $3`,
      [userId, before, query.limit + 1],
    );
    return Page.fromRows(rows, query.limit, toReviewResponse);
  }

  /** All reviews, newest first (moderation). */
  async listAll(query: PageQueryDto): Promise<Page<ReviewResponse>> {
    const before = idsBefore(query.cursor);
    const rows: ReviewRow[] = await this.dataSource.query(
      `SELECT ${REVIEW_COLUMNS} FROM reviews r JOIN users u ON u.id = r.author_id
       WHERE r.id < $1 ORDER BY r.id DESC LIMIT $2`,
      [before, query.limit + 1],
    );
    return Page.fromRows(rows, query.limit, toReviewResponse);
  }

  async forOrder(orderId: number): Promise<ReviewResponse | null> {
    const rows: ReviewRow[] = await this.dataSource.query(
      `SELECT ${REVIEW_COLUMNS} FROM reviews r JOIN users u ON u.id = r.author_id
       WHERE r.order_id = $1`,
      [orderId],
    );
    return rows.length ? toReviewResponse(rows[0]) : null;
  }

  /**
   * Reads the maintained aggregate: one row by primary key, the same cost at 10 reviews as at
   * a million. A user with no reviews has no row yet.
   */
  async average(userId: number): Promise<UserAverageResponse> {
    const rows: {
      user_id: number;
      review_count: number | null;
      average: string | null;
      s1: number | null;
      s2: number | null;
      s3: number | null;
      s4: number | null;
      s5: number | null;
    }[] = await this.dataSource.query(
      `SELECT u.id AS user_id, r.review_count, r.s1, r.s2, r.s3, r.s4, r.s5,
              round(r.score_sum::numeric / NULLIF(r.review_count, 0), 1) AS average
       FROM users u LEFT JOIN user_ratings r ON r.user_id = u.id
       WHERE u.id = $1`,
      [userId],
    );
    if (!rows.length) throw new NotFoundException(`User ${userId} does not exist.`);
    const r = rows[0];
    return {
      userId,
      average: r.average === null ? null : Number(r.average),
      count: r.review_count ?? 0,
      distribution: {
        '1': r.s1 ?? 0,
        '2': r.s2 ?? 0,
        '3': r.s3 ?? 0,
        '4': r.s4 ?? 0,
        '5': r.s5 ?? 0,
      },
    };
  }

  /** Moderation: the trigger takes the review out of the creator's aggregate in the same statement. */
  async remove(id: number): Promise<void> {
    const rows: unknown[] = await this.dataSource.query(
      // As a CTE so the driver answers with rows, as for a SELECT.
      'WITH gone AS (DELETE FROM reviews WHERE id = $1 RETURNING id) SELECT id FROM gone',
      [id],
    );
    if (!rows.length) throw new NotFoundException(`Review ${id} does not exist.`);
  }
}
