import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { ReplicaReads } from '../database/replica-reads';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { isUniqueViolation } from '../common/errors/pg-errors';
import { Event } from '../events/event.entity';
import { Venue } from '../venues/venue.entity';
import { VenueEventRating } from './venue-event-rating.entity';
import { VenueEventReview, type TargetType } from './venue-event-review.entity';
import { selectList } from '../database/select-list';

/** A review of a venue or an event as the API shows it: the row and its author's username. */
export interface VenueReviewRecord {
  id: number;
  authorId: number;
  authorUsername: string;
  targetId: number;
  targetType: TargetType;
  score: number;
  comment: string | null;
  createdAt: Date;
}

export interface Target {
  targetType: TargetType;
  targetId: number;
}

export interface NewVenueReview extends Target {
  authorId: number;
  score: number;
  comment: string | null;
}

/** A target's rating, from the aggregate the trigger on `venue_event_reviews` keeps. */
export interface TargetRating {
  /** Rounded to one decimal; null without reviews. */
  average: number | null;
  count: number;
}

export type CreateVenueReviewResult =
  { ok: true; review: VenueReviewRecord } | { ok: false; reason: 'DUPLICATE' };

/** The select list of a VenueReviewRecord, over `venue_event_reviews r JOIN users u`. */
const RECORD_COLUMNS: Record<keyof VenueReviewRecord, string> = {
  id: 'r.id',
  authorId: 'r.author_id',
  authorUsername: 'u.username',
  targetId: 'r.target_id',
  targetType: 'r.target_type',
  score: 'r.score',
  comment: 'r.comment',
  createdAt: 'r.created_at',
};
const RECORD_SELECT = selectList(RECORD_COLUMNS);

/** Every query of venue and event reviews, their ratings, and the targets they lock. */
@Injectable()
export class VenueReviewsRepository {
  constructor(
    private readonly db: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly replica: ReplicaReads,
  ) {}

  /**
   * Share-locks the venue or event (not deleted) until the unit of work ends, so that it cannot
   * be deleted while it is being reviewed. Null when there is no such target; `started` is
   * always true for a venue. Needs a transaction.
   */
  async lockTarget({ targetType, targetId }: Target): Promise<{ started: boolean } | null> {
    const query: SelectQueryBuilder<ObjectLiteral> =
      targetType === 'VENUE'
        ? this.db.tx.getRepository(Venue).createQueryBuilder('t').select('true', 'started')
        : this.db.tx
            .getRepository(Event)
            .createQueryBuilder('t')
            .select('t.start_date <= now()', 'started');
    const target = await query
      .where('t.id = :targetId', { targetId })
      .setLock('pessimistic_read')
      .getRawOne<{ started: boolean }>();
    return target ?? null;
  }

  /**
   * The unique constraint turns a second review by the same person, even a concurrent one, into
   * DUPLICATE. The unit of work cannot go on after that refusal: the caller must throw.
   */
  async create(review: NewVenueReview): Promise<CreateVenueReviewResult> {
    try {
      const rows: VenueReviewRecord[] = await this.db.tx.query(
        `WITH created AS (
           INSERT INTO venue_event_reviews (author_id, target_type, target_id, score, comment)
           VALUES ($1, $2, $3, $4, $5) RETURNING *
         )
         SELECT ${RECORD_SELECT} FROM created r JOIN users u ON u.id = r.author_id`,
        [review.authorId, review.targetType, review.targetId, review.score, review.comment],
      );
      return { ok: true, review: rows[0] };
    } catch (err) {
      if (isUniqueViolation(err, 'venue_event_reviews_one_per_author')) {
        return { ok: false, reason: 'DUPLICATE' };
      }
      throw err;
    }
  }

  /**
   * Reviews of one target, newest first: `limit` rows below the id `before`. Public, and fine a
   * moment behind: read from a replica when there is one.
   */
  page({ targetType, targetId }: Target, before: number, limit: number) {
    return this.replica.run((m) =>
      m
        .getRepository(VenueEventReview)
        .createQueryBuilder('r')
        .innerJoin('r.author', 'u')
        .select(RECORD_SELECT)
        .where('r.target_type = :targetType AND r.target_id = :targetId', { targetType, targetId })
        .andWhere('r.id < :before', { before })
        .orderBy('r.id', 'DESC')
        .limit(limit)
        .getRawMany<VenueReviewRecord>(),
    );
  }

  /** One row of the maintained aggregate: constant time. Public: from a replica if any. */
  async ratingOf({ targetType, targetId }: Target): Promise<TargetRating> {
    const row = await this.replica.run((m) =>
      m
        .getRepository(VenueEventRating)
        .createQueryBuilder('g')
        .select('g.review_count', 'count')
        .addSelect('round(g.score_sum::numeric / NULLIF(g.review_count, 0), 1)', 'average')
        .where('g.target_type = :targetType AND g.target_id = :targetId', { targetType, targetId })
        .getRawOne<{ count: number; average: string | null }>(),
    );
    return {
      average: row?.average == null ? null : Number(row.average),
      count: row?.count ?? 0,
    };
  }

  /** Deletes the review; false when there was none. */
  async delete(id: number): Promise<boolean> {
    const result = await this.db.tx.getRepository(VenueEventReview).delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
