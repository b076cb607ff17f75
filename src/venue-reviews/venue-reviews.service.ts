import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isAdmin, type AuthUser } from '../common/auth/roles';
import { isUniqueViolation } from '../common/errors/pg-errors';
import { idsBefore } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type {
  CreateVenueReviewDto,
  TargetAverageResponse,
  TargetPageQueryDto,
  TargetQueryDto,
  VenueReviewResponse,
} from './dto/venue-review.dto';

interface VenueReviewRow {
  id: number;
  author_id: number;
  author_username: string;
  target_id: number;
  target_type: 'VENUE' | 'EVENT';
  score: number;
  comment: string | null;
  created_at: Date;
}

const toResponse = (r: VenueReviewRow): VenueReviewResponse => ({
  id: r.id,
  authorId: r.author_id,
  authorUsername: r.author_username,
  targetId: r.target_id,
  targetType: r.target_type,
  score: r.score,
  comment: r.comment,
  createdAt: new Date(r.created_at).toISOString(),
});

const COLUMNS = `r.id, r.author_id, u.username AS author_username, r.target_id, r.target_type,
  r.score, r.comment, r.created_at`;

@Injectable()
export class VenueReviewsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The target is share-locked while the review is written, so it cannot be deleted in between;
   * the unique constraint turns a second review by the same person (even a concurrent one)
   * into a 409.
   */
  async create(user: AuthUser, dto: CreateVenueReviewDto): Promise<VenueReviewResponse> {
    try {
      return await this.dataSource.transaction(async (tx) => {
        const target: { started: boolean }[] =
          dto.targetType === 'VENUE'
            ? await tx.query(
                'SELECT true AS started FROM venues WHERE id = $1 AND deleted_at IS NULL FOR SHARE',
                [dto.targetId],
              )
            : await tx.query(
                `SELECT start_date <= now() AS started FROM events
                 WHERE id = $1 AND deleted_at IS NULL FOR SHARE`,
                [dto.targetId],
              );
        const what = dto.targetType === 'VENUE' ? 'Venue' : 'Event';
        if (!target.length) throw new NotFoundException(`${what} ${dto.targetId} does not exist.`);
        if (!target[0].started) {
          throw new ConflictException('This event has not started yet; review it once it has.');
        }
        const rows: VenueReviewRow[] = await tx.query(
          `WITH created AS (
             INSERT INTO venue_event_reviews (author_id, target_type, target_id, score, comment)
             VALUES ($1, $2, $3, $4, $5) RETURNING *
           )
           SELECT ${COLUMNS} FROM created r JOIN users u ON u.id = r.author_id`,
          [user.id, dto.targetType, dto.targetId, dto.score, dto.comment ?? null],
        );
        return toResponse(rows[0]);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'venue_event_reviews_one_per_author')) {
        throw new ConflictException(
          `You have already reviewed this ${dto.targetType.toLowerCase()}.`,
        );
      }
      throw err;
    }
  }

  /** Reviews of one venue or event, newest first. */
  async list(query: TargetPageQueryDto): Promise<Page<VenueReviewResponse>> {
    const before = idsBefore(query.cursor);
    const rows: VenueReviewRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM venue_event_reviews r JOIN users u ON u.id = r.author_id
       WHERE r.target_type = $1 AND r.target_id = $2 AND r.id < $3
       ORDER BY r.id DESC LIMIT $4`,
      [query.targetType, query.targetId, before, query.limit + 1],
    );
    return Page.fromRows(rows, query.limit, toResponse);
  }

  /** One row of the maintained aggregate: constant time. */
  async average(query: TargetQueryDto): Promise<TargetAverageResponse> {
    const rows: { review_count: number; average: string | null }[] = await this.dataSource.query(
      `SELECT review_count, round(score_sum::numeric / NULLIF(review_count, 0), 1) AS average
       FROM venue_event_ratings WHERE target_type = $1 AND target_id = $2`,
      [query.targetType, query.targetId],
    );
    const row = rows[0];
    return {
      targetId: query.targetId,
      targetType: query.targetType,
      average: row?.average == null ? null : Number(row.average),
      count: row?.review_count ?? 0,
    };
  }

  async remove(user: AuthUser, id: number): Promise<void> {
    const rows: { author_id: number }[] = await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM venue_event_reviews WHERE id = $1 AND (author_id = $2 OR $3)
         RETURNING author_id
       )
       SELECT author_id FROM gone`,
      [id, user.id, isAdmin(user)],
    );
    if (rows.length) return;
    const exists: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM venue_event_reviews WHERE id = $1',
      [id],
    );
    if (!exists.length) throw new NotFoundException(`Review ${id} does not exist.`);
    throw new ForbiddenException('Only the author of this review or an admin may delete it.');
  }
}
