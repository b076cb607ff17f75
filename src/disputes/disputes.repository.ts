import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import { isUniqueViolation } from '../common/errors/pg-errors';
import { DisputeMessage } from './dispute-message.entity';
import { DISPUTE_PROCESS } from './dispute-process';
import { Dispute, type DisputeKind, type DisputeStatus } from './dispute.entity';
import { selectFields, selectList } from '../database/select-list';

/** A dispute as the API shows it, with its creator's username. */
export interface DisputeRecord {
  id: number;
  orderId: number;
  kind: DisputeKind;
  /** null for a chargeback, which Stripe opened. */
  createdByUserId: number | null;
  createdByUsername: string | null;
  reason: string;
  status: DisputeStatus;
  resolution: string | null;
  createdAt: Date;
  closedAt: Date | null;
  dueBy: Date | null;
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
  | { ok: true; dispute: DisputeRecord }
  | { ok: false; reason: 'NOT_FOUND' | 'NOT_OPEN' | 'DECIDED_AT_STRIPE' };

/** A chargeback as Stripe reported it. */
export interface NewChargeback {
  orderId: number;
  stripeDisputeId: string;
  reason: string;
  dueBy: Date | null;
}

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
  kind: 'd.kind',
  createdByUserId: 'd.created_by_user_id',
  createdByUsername: 'u.username',
  reason: 'd.reason',
  status: 'd.status',
  resolution: 'd.resolution',
  createdAt: 'd.created_at',
  closedAt: 'd.closed_at',
  dueBy: 'd.due_by',
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
      .leftJoin('d.createdBy', 'u');
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
       LEFT JOIN users u ON u.id = d.created_by_user_id
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
      `SELECT ${DISPUTE_COLUMNS} FROM disputes d LEFT JOIN users u ON u.id = d.created_by_user_id
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
   * Closes an ORDER dispute with a resolution: one conditional update, only from the status the
   * process resolves from, so a second resolve is refused; the same statement tells a missing
   * dispute from a closed one, and from a chargeback (which Stripe decides).
   */
  async resolve(id: number, resolution: string): Promise<ResolveResult> {
    const { from, to, kind } = DISPUTE_PROCESS.resolve;
    const rows: (DisputeRecord & { foundKind: DisputeKind | null })[] = await this.db.tx.query(
      `WITH closed AS (
         UPDATE disputes SET status = $3, resolution = $2, closed_at = now()
         WHERE id = $1 AND status = $4 AND kind = $5
         RETURNING *
       )
       SELECT (SELECT kind FROM disputes WHERE id = $1) AS "foundKind", ${DISPUTE_COLUMNS}
       FROM (SELECT 1) AS one
       LEFT JOIN closed d ON true LEFT JOIN users u ON u.id = d.created_by_user_id`,
      [id, resolution, to, from, kind],
    );
    const { foundKind, ...dispute } = rows[0];
    if (dispute.id !== null) return { ok: true, dispute };
    if (foundKind === null) return { ok: false, reason: 'NOT_FOUND' };
    return { ok: false, reason: foundKind === kind ? 'NOT_OPEN' : 'DECIDED_AT_STRIPE' };
  }

  /**
   * Records a chargeback that Stripe opened, OPEN. Null when that Stripe dispute is recorded
   * already (or, against Stripe's rules, a second chargeback is OPEN on the order): ON CONFLICT
   * keeps the webhook's transaction usable.
   */
  async openChargeback(c: NewChargeback): Promise<DisputeRecord | null> {
    const rows: DisputeRecord[] = await this.db.tx.query(
      `WITH created AS (
         INSERT INTO disputes (order_id, kind, created_by_user_id, reason, status, due_by,
                               stripe_dispute_id)
         VALUES ($1, 'CHARGEBACK', NULL, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING
         RETURNING *
       )
       SELECT ${DISPUTE_COLUMNS} FROM created d LEFT JOIN users u ON false`,
      [c.orderId, c.reason, DISPUTE_PROCESS.open.to, c.dueBy, c.stripeDisputeId],
    );
    return rows[0] ?? null;
  }

  /** The chargeback recorded for a Stripe dispute. */
  async findChargeback(stripeDisputeId: string): Promise<DisputeRecord | null> {
    const found = await this.disputes()
      .where('d.stripe_dispute_id = :stripeDisputeId', { stripeDisputeId })
      .getRawOne<DisputeRecord>();
    return found ?? null;
  }

  /** Closes a chargeback with Stripe's outcome, only while it is OPEN; null when it is not. */
  async closeChargeback(id: number, resolution: string): Promise<DisputeRecord | null> {
    const { from, to } = DISPUTE_PROCESS.resolve;
    const rows: DisputeRecord[] = await this.db.tx.query(
      `WITH closed AS (
         UPDATE disputes SET status = $3, resolution = $2, closed_at = now()
         WHERE id = $1 AND status = $4 AND kind = 'CHARGEBACK'
         RETURNING *
       )
       SELECT ${DISPUTE_COLUMNS} FROM closed d LEFT JOIN users u ON false`,
      [id, resolution, to, from],
    );
    return rows[0] ?? null;
  }
}
