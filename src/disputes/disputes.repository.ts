import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import { isUniqueViolation } from '../common/errors/pg-errors';
import { DisputeMessage } from './dispute-message.entity';
import { DISPUTE_PROCESS } from './dispute-process';
import { Dispute, type DisputeStatus } from './dispute.entity';
import { selectFields, selectList } from '../database/select-list';

/** A dispute as the API shows it, with its creator's username. */
export interface DisputeRecord {
  id: number;
  orderId: number;
  createdByUserId: number;
  createdByUsername: string;
  reason: string;
  status: DisputeStatus;
  resolution: string | null;
  createdAt: Date;
  closedAt: Date | null;
}

/** A message of a dispute's thread, with its author's username. */
export interface DisputeMessageRecord {
  id: number;
  disputeId: number;
  userId: number;
  username: string;
  message: string;
  createdAt: Date;
}

export type OpenResult =
  { ok: true; dispute: DisputeRecord } | { ok: false; reason: 'ALREADY_OPEN' };

export type ResolveResult =
  { ok: true; dispute: DisputeRecord } | { ok: false; reason: 'NOT_FOUND' | 'NOT_OPEN' };

export type AddMessageResult =
  { ok: true; message: DisputeMessageRecord; orderId: number } | { ok: false; reason: 'NOT_OPEN' };

/**
 * Each field of a record and the column it is read from (d = disputes, u = its creator;
 * m = dispute_messages, u = its author), shared by the query builder and the statements that
 * write and read in one.
 */
const DISPUTE_FIELDS: Record<keyof DisputeRecord, string> = {
  id: 'd.id',
  orderId: 'd.order_id',
  createdByUserId: 'd.created_by_user_id',
  createdByUsername: 'u.username',
  reason: 'd.reason',
  status: 'd.status',
  resolution: 'd.resolution',
  createdAt: 'd.created_at',
  closedAt: 'd.closed_at',
};

const MESSAGE_FIELDS: Record<keyof DisputeMessageRecord, string> = {
  id: 'm.id',
  disputeId: 'm.dispute_id',
  userId: 'm.user_id',
  username: 'u.username',
  message: 'm.message',
  createdAt: 'm.created_at',
};

const DISPUTE_COLUMNS = selectList(DISPUTE_FIELDS);
const MESSAGE_COLUMNS = selectList(MESSAGE_FIELDS);

/** Every query of disputes and of their threads. */
@Injectable()
export class DisputesRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private disputes(): SelectQueryBuilder<Dispute> {
    const qb = this.db.tx
      .getRepository(Dispute)
      .createQueryBuilder('d')
      .innerJoin('d.createdBy', 'u');
    return selectFields(qb, DISPUTE_FIELDS);
  }

  /**
   * Opens a dispute on the order (whose party the caller was checked to be). The partial unique
   * index "one OPEN dispute per order" decides between concurrent opens: one insert wins, the
   * others are refused (the violation aborts a surrounding transaction, which the caller must
   * not go on with).
   */
  async open(orderId: number, userId: number, reason: string): Promise<OpenResult> {
    try {
      const rows: DisputeRecord[] = await this.db.tx.query(
        `WITH created AS (
           INSERT INTO disputes (order_id, created_by_user_id, reason, status)
           VALUES ($1, $2, $3, $4)
           RETURNING *
         )
         SELECT ${DISPUTE_COLUMNS} FROM created d JOIN users u ON u.id = d.created_by_user_id`,
        [orderId, userId, reason, DISPUTE_PROCESS.open.to],
      );
      return { ok: true, dispute: rows[0] };
    } catch (err) {
      if (isUniqueViolation(err, 'disputes_one_open_per_order')) {
        return { ok: false, reason: 'ALREADY_OPEN' };
      }
      throw err;
    }
  }

  async findById(id: number): Promise<DisputeRecord | null> {
    return (await this.disputes().where('d.id = :id', { id }).getRawOne<DisputeRecord>()) ?? null;
  }

  /** The order's dispute waiting to be resolved, or else its newest one. */
  async findCurrentForOrder(orderId: number): Promise<DisputeRecord | null> {
    const current = await this.disputes()
      .where('d.order_id = :orderId', { orderId })
      .orderBy(`d.status = '${DISPUTE_PROCESS.resolve.from}'`, 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(1)
      .getRawOne<DisputeRecord>();
    return current ?? null;
  }

  /** The thread, oldest message first. */
  messagesOf(disputeId: number): Promise<DisputeMessageRecord[]> {
    const qb = this.db.tx
      .getRepository(DisputeMessage)
      .createQueryBuilder('m')
      .innerJoin('m.user', 'u');
    return selectFields(qb, MESSAGE_FIELDS)
      .where('m.dispute_id = :disputeId', { disputeId })
      .orderBy('m.id')
      .getRawMany<DisputeMessageRecord>();
  }

  /**
   * Disputes on the user's orders, either side, newest first, below the keyset cursor
   * `beforeId`. Written as one UNION ALL of two bounded index scans, merged, which the query
   * builder cannot express; not one query per order.
   */
  mine(userId: number, beforeId: number, limit: number): Promise<DisputeRecord[]> {
    const side = (column: string) =>
      `SELECT ${DISPUTE_COLUMNS} FROM orders o
       JOIN disputes d ON d.order_id = o.id
       JOIN users u ON u.id = d.created_by_user_id
       WHERE o.${column} = $1 AND d.id < $2 ORDER BY d.id DESC LIMIT $3`;
    return this.db.tx.query(
      `SELECT * FROM ((${side('buyer_id')}) UNION ALL (${side('seller_id')})) AS mine
       ORDER BY id DESC LIMIT $3`,
      [userId, beforeId, limit],
    );
  }

  /**
   * Disputes waiting to be resolved, oldest first, above the keyset cursor `afterId`. The
   * status is written into the SQL, not bound, so that the partial index disputes_open_id_idx
   * matches however the statement is planned.
   */
  // Written out rather than built: the admin queue is a benchmark scenario whose statement
  // bench/ records and EXPLAINs, which needs it to reach the EntityManager's query(). The
  // status is a literal so that the partial index of OPEN disputes serves it in any plan.
  openQueue(afterId: number, limit: number): Promise<DisputeRecord[]> {
    return this.db.tx.query(
      `SELECT ${DISPUTE_COLUMNS} FROM disputes d JOIN users u ON u.id = d.created_by_user_id
       WHERE d.status = '${DISPUTE_PROCESS.resolve.from}' AND d.id > $1 ORDER BY d.id LIMIT $2`,
      [afterId, limit],
    );
  }

  /** Every dispute, newest first, below the keyset cursor `beforeId`. */
  all(beforeId: number, limit: number): Promise<DisputeRecord[]> {
    return this.disputes()
      .where('d.id < :beforeId', { beforeId })
      .orderBy('d.id', 'DESC')
      .limit(limit)
      .getRawMany<DisputeRecord>();
  }

  /**
   * Adds to the thread, only while the dispute takes messages: the same statement checks it,
   * FOR SHARE, so that a resolve in flight is waited for and its CLOSED seen.
   */
  async addMessage(disputeId: number, userId: number, message: string): Promise<AddMessageResult> {
    const rows: (DisputeMessageRecord & { disputeOrderId: number })[] = await this.db.tx.query(
      `WITH open AS (
         SELECT id, order_id FROM disputes WHERE id = $1 AND status = $4 FOR SHARE
       ), created AS (
         INSERT INTO dispute_messages (dispute_id, user_id, message)
         SELECT id, $2, $3 FROM open
         RETURNING *
       )
       SELECT ${MESSAGE_COLUMNS}, open.order_id AS "disputeOrderId"
       FROM created m JOIN users u ON u.id = m.user_id JOIN open ON open.id = m.dispute_id`,
      [disputeId, userId, message, DISPUTE_PROCESS.message.in],
    );
    if (!rows.length) return { ok: false, reason: 'NOT_OPEN' };
    const { disputeOrderId, ...added } = rows[0];
    return { ok: true, message: added, orderId: disputeOrderId };
  }

  /**
   * Closes the dispute with a resolution: one conditional update, only from the status the
   * process resolves from, so a second resolve is refused; the same statement tells a missing
   * dispute from a closed one.
   */
  async resolve(id: number, resolution: string): Promise<ResolveResult> {
    const { from, to } = DISPUTE_PROCESS.resolve;
    const rows: (DisputeRecord & { found: boolean })[] = await this.db.tx.query(
      `WITH closed AS (
         UPDATE disputes SET status = $3, resolution = $2, closed_at = now()
         WHERE id = $1 AND status = $4
         RETURNING *
       )
       SELECT EXISTS (SELECT 1 FROM disputes WHERE id = $1) AS "found", ${DISPUTE_COLUMNS}
       FROM (SELECT 1) AS one
       LEFT JOIN closed d ON true LEFT JOIN users u ON u.id = d.created_by_user_id`,
      [id, resolution, to, from],
    );
    const { found, ...dispute } = rows[0];
    if (dispute.id !== null) return { ok: true, dispute };
    return { ok: false, reason: found ? 'NOT_OPEN' : 'NOT_FOUND' };
  }
}
