import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { ReplicaReads } from '../database/replica-reads';
import type { Repository, SelectQueryBuilder } from 'typeorm';
import type { OrderStatus } from '../orders/order-process';
import { Review } from './review.entity';
import { selectList } from '../database/select-list';

/** A review as the API shows it: the row and its author's username. */
export interface ReviewRecord {
  id: number;
  orderId: number;
  authorId: number;
  authorUsername: string;
  reviewedUserId: number;
  score: number;
  comment: string | null;
  createdAt: Date;
}

/** A creator's rating, from the aggregate the trigger on `reviews` keeps. */
export interface CreatorRating {
  /** Rounded to one decimal; null without reviews. */
  average: number | null;
  count: number;
  /** How many reviews gave 1, 2, 3, 4 and 5. */
  distribution: [number, number, number, number, number];
}

export interface NewReview {
  orderId: number;
  authorId: number;
  score: number;
  comment: string | null;
}

/** Why a review was not written. */
export type ReviewRefusal =
  | { reason: 'ORDER_NOT_FOUND' | 'NOT_BUYER' | 'ALREADY_REVIEWED' }
  | { reason: 'NOT_COMPLETED'; orderStatus: OrderStatus };

export type CreateReviewResult =
  { ok: true; review: ReviewRecord } | ({ ok: false } & ReviewRefusal);

/** The select list of a ReviewRecord, over `reviews r JOIN users u ON u.id = r.author_id`. */
const RECORD_COLUMNS: Record<keyof ReviewRecord, string> = {
  id: 'r.id',
  orderId: 'r.order_id',
  authorId: 'r.author_id',
  authorUsername: 'u.username',
  reviewedUserId: 'r.reviewed_user_id',
  score: 'r.score',
  comment: 'r.comment',
  createdAt: 'r.created_at',
};
const RECORD_SELECT = selectList(RECORD_COLUMNS);

/** Every query of reviews and of the creators' ratings they feed. */
@Injectable()
export class ReviewsRepository {
  constructor(
    private readonly db: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly replica: ReplicaReads,
  ) {}

  private get reviews(): Repository<Review> {
    return this.db.tx.getRepository(Review);
  }

  /**
   * One statement that both decides and writes: the review is inserted only for the buyer of a
   * COMPLETED order, and the unique constraint on order_id turns a second review, even a
   * concurrent one, into "nothing inserted". `refusal` is the rule itself, written once: the
   * insert happens where it is NULL, and otherwise it is the answer, read from the same snapshot
   * as the insert (so nothing is queried again to explain).
   */
  async createForCompletedOrder(review: NewReview): Promise<CreateReviewResult> {
    const rows: (Partial<ReviewRecord> & {
      refusal: ReviewRefusal['reason'] | null;
      orderStatus: OrderStatus | null;
    })[] = await this.db.tx.query(
      `WITH o AS (
         SELECT id, buyer_id, seller_id, status,
                CASE WHEN buyer_id <> $2 THEN 'NOT_BUYER'
                     WHEN status <> 'COMPLETED' THEN 'NOT_COMPLETED' END AS refusal
         FROM orders WHERE id = $1
       ),
       created AS (
         INSERT INTO reviews (order_id, author_id, reviewed_user_id, score, comment)
         SELECT o.id, o.buyer_id, o.seller_id, $3, $4 FROM o
         WHERE o.refusal IS NULL
         ON CONFLICT (order_id) DO NOTHING
         RETURNING *
       )
       SELECT CASE WHEN o.id IS NULL THEN 'ORDER_NOT_FOUND'
                   WHEN r.id IS NULL THEN COALESCE(o.refusal, 'ALREADY_REVIEWED') END AS refusal,
              o.status AS "orderStatus", ${RECORD_SELECT}
       FROM (VALUES (1)) AS one (x)
       LEFT JOIN o ON true
       LEFT JOIN created r ON true
       LEFT JOIN users u ON u.id = r.author_id`,
      [review.orderId, review.authorId, review.score, review.comment],
    );
    const { refusal, orderStatus, ...created } = rows[0];
    if (refusal === null) return { ok: true, review: created as ReviewRecord };
    if (refusal === 'NOT_COMPLETED')
      return { ok: false, reason: refusal, orderStatus: orderStatus! };
    return { ok: false, reason: refusal };
  }

  /**
   * Reviews about one creator, newest first: `limit` rows below the id `before`. Public, and
   * fine a moment behind: read from a replica when there is one.
   */
  pageAbout(reviewedUserId: number, before: number, limit: number): Promise<ReviewRecord[]> {
    return this.replica.run((m) =>
      this.records(m.getRepository(Review))
        .where('r.reviewed_user_id = :reviewedUserId', { reviewedUserId })
        .andWhere('r.id < :before', { before })
        .orderBy('r.id', 'DESC')
        .limit(limit)
        .getRawMany<ReviewRecord>(),
    );
  }

  /** Every review, newest first: `limit` rows below the id `before`. */
  page(before: number, limit: number): Promise<ReviewRecord[]> {
    return this.records()
      .where('r.id < :before', { before })
      .orderBy('r.id', 'DESC')
      .limit(limit)
      .getRawMany<ReviewRecord>();
  }

  async findForOrder(orderId: number): Promise<ReviewRecord | null> {
    const record = await this.records()
      .where('r.order_id = :orderId', { orderId })
      .getRawOne<ReviewRecord>();
    return record ?? null;
  }

  /**
   * Reads the maintained aggregate: one row by primary key, the same cost at 10 reviews as at a
   * million. Null when the user does not exist; a user without reviews has no aggregate row yet.
   * One hand-written statement on purpose: its plan is what the e2e test holds to one row.
   * Public: read from a replica when there is one.
   */
  async ratingOf(userId: number): Promise<CreatorRating | null> {
    const rows: {
      reviewCount: number | null;
      average: string | null;
      s1: number | null;
      s2: number | null;
      s3: number | null;
      s4: number | null;
      s5: number | null;
    }[] = await this.replica.run((m) =>
      m.query(
        `SELECT u.id AS user_id, r.review_count AS "reviewCount", r.s1, r.s2, r.s3, r.s4, r.s5,
              round(r.score_sum::numeric / NULLIF(r.review_count, 0), 1) AS average
       FROM users u LEFT JOIN user_ratings r ON r.user_id = u.id
       WHERE u.id = $1`,
        [userId],
      ),
    );
    if (!rows.length) return null;
    const r = rows[0];
    return {
      average: r.average === null ? null : Number(r.average),
      count: r.reviewCount ?? 0,
      distribution: [r.s1 ?? 0, r.s2 ?? 0, r.s3 ?? 0, r.s4 ?? 0, r.s5 ?? 0],
    };
  }

  /** False when there was no such review. The trigger takes it out of the creator's rating. */
  async delete(id: number): Promise<boolean> {
    const { affected } = await this.reviews.delete({ id });
    return (affected ?? 0) > 0;
  }

  private records(reviews = this.reviews): SelectQueryBuilder<Review> {
    return reviews.createQueryBuilder('r').innerJoin('r.author', 'u').select(RECORD_SELECT);
  }
}
