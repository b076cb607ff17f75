import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { selectList } from '../database/select-list';
import type { OrderStatus } from '../orders/order-process';
import type { EntryState, EntryType, Execution } from './ledger-entry.entity';

/** A ledger entry as the API shows it. */
export interface EntryRecord {
  id: number;
  orderId: number | null;
  payoutId: number | null;
  type: EntryType;
  amountCents: number;
  platformFeeCents: number;
  currency: string;
  state: EntryState;
  availableAt: Date | null;
  execution: Execution | null;
  externalRef: string | null;
  createdAt: Date;
}

/** What the entries of an order follow, read with the order locked FOR SHARE. */
export interface OrderLedgerFacts {
  status: OrderStatus;
  onHold: boolean;
  /** The latest availableAt among the order's entries, if one has it. */
  availableAt: Date | null;
  /** The entries no payout covers yet. */
  unpaid: number;
  /** The database's clock, the transaction's start. */
  now: Date;
  /** now + the marketplace's clearance period. */
  clearsAt: Date;
}

/** A payment and what of it has gone back to the buyer, on the payment and in the ledger. */
export interface ReturnsOf {
  paymentId: number;
  sellerId: number;
  totalCents: number;
  feeCents: number;
  currency: string;
  /** Refunded plus charged back, on the payment. */
  returnedCents: number;
  /** What the ledger's refund and chargeback entries already account for. */
  bookedCents: number;
}

export interface NewEntry {
  orderId: number;
  paymentId: number;
  sellerId: number;
  type: Exclude<EntryType, 'PAYOUT'>;
  amountCents: number;
  platformFeeCents: number;
  currency: string;
  execution: Execution | null;
}

/** A refund ECHO must make at Stripe. */
export interface RefundToExecute {
  entryId: number;
  /** What goes back to the buyer, in cents (positive). */
  amountCents: number;
  currency: string;
  /** The payment's Stripe id (pi_... or ch_...). */
  stripeTxId: string;
  execution: Execution;
}

/** A seller's money by state, in cents. */
export type Totals = Record<EntryState, number>;

const ENTRY_FIELDS: Record<keyof EntryRecord, string> = {
  id: 'e.id',
  orderId: 'e.order_id',
  payoutId: 'e.payout_id',
  type: 'e.type',
  amountCents: 'e.amount_cents',
  platformFeeCents: 'e.platform_fee_cents',
  currency: 'e.currency',
  state: 'e.state',
  availableAt: 'e.available_at',
  execution: 'e.execution',
  externalRef: 'e.external_ref',
  createdAt: 'e.created_at',
};
const ENTRY_COLUMNS = selectList(ENTRY_FIELDS);

/** Every query of the earnings ledger but the payouts' (payouts.repository.ts). */
@Injectable()
export class EarningsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * The order as its entries see it, locked FOR SHARE until the transaction ends, so that what
   * changes it (a status change, a dispute's flag) waits for this transaction's entries, or this
   * one waits for it and reads its result. Null when there is no such order.
   */
  async orderFacts(orderId: number): Promise<OrderLedgerFacts | null> {
    const rows: OrderLedgerFacts[] = await this.db.tx.query(
      `SELECT o.status, o.has_open_dispute AS "onHold", e.available_at AS "availableAt",
              e.unpaid, now() AS now, now() + s.clearance_period AS "clearsAt"
       FROM orders o
       CROSS JOIN marketplace_settings s
       CROSS JOIN LATERAL (
         SELECT max(available_at) AS available_at,
                (count(*) FILTER (WHERE payout_id IS NULL))::int AS unpaid
         FROM ledger_entries WHERE order_id = o.id
       ) e
       WHERE o.id = $1 AND s.id = 1
       FOR SHARE OF o`,
      [orderId],
    );
    return rows[0] ?? null;
  }

  /**
   * Sets the state and availableAt of the order's entries that no payout covers; a payout that
   * takes them meanwhile wins (the update re-checks payout_id after waiting for it). Returns how
   * many changed.
   */
  async follow(orderId: number, state: EntryState, availableAt: Date | null): Promise<number> {
    const rows: { n: number }[] = await this.db.tx.query(
      `WITH changed AS (
         UPDATE ledger_entries SET state = $2, available_at = $3
         WHERE order_id = $1 AND payout_id IS NULL
           AND (state, available_at) IS DISTINCT FROM ($2::varchar, $3::timestamptz)
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM changed`,
      [orderId, state, availableAt],
    );
    return rows[0].n;
  }

  /**
   * The payment of the order and what of it went back to the buyer, on the payment and in the
   * ledger. Read after the refund or chargeback was written to the payment, whose row this
   * transaction then holds: concurrent returns on one payment take their turn.
   */
  async returnsOf(orderId: number): Promise<ReturnsOf | null> {
    const rows: ReturnsOf[] = await this.db.tx.query(
      `SELECT p.id AS "paymentId", o.seller_id AS "sellerId",
              p.total_amount_cents AS "totalCents", p.platform_fee_cents AS "feeCents",
              p.currency, p.refunded_amount_cents + p.chargeback_cents AS "returnedCents",
              (SELECT -COALESCE(sum(amount_cents + platform_fee_cents), 0)::int
               FROM ledger_entries
               WHERE order_id = p.order_id AND type IN ('REFUND', 'CHARGEBACK')) AS "bookedCents"
       FROM payments p JOIN orders o ON o.id = p.order_id
       WHERE p.order_id = $1`,
      [orderId],
    );
    return rows[0] ?? null;
  }

  /** Appends an entry, PENDING until the order's state is applied to it. Returns its id. */
  async append(e: NewEntry): Promise<number> {
    const rows: { id: number }[] = await this.db.tx.query(
      `INSERT INTO ledger_entries (seller_id, order_id, payment_id, type, amount_cents,
                                   platform_fee_cents, currency, state, execution)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING', $8)
       RETURNING id`,
      [
        e.sellerId,
        e.orderId,
        e.paymentId,
        e.type,
        e.amountCents,
        e.platformFeeCents,
        e.currency,
        e.execution,
      ],
    );
    return rows[0].id;
  }

  /** The seller of the order (the earning's owner). */
  async sellerOf(orderId: number): Promise<number> {
    const rows: { sellerId: number }[] = await this.db.tx.query(
      `SELECT seller_id AS "sellerId" FROM orders WHERE id = $1`,
      [orderId],
    );
    return rows[0].sellerId;
  }

  /** Orders with entries whose clearance is due, for the sweep; at most `limit`. */
  async dueForClearance(limit: number): Promise<number[]> {
    const rows: { orderId: number }[] = await this.db.tx.query(
      `SELECT DISTINCT order_id AS "orderId" FROM (
         SELECT order_id FROM ledger_entries
         WHERE state = 'CLEARING' AND available_at <= now()
         ORDER BY available_at LIMIT $1
       ) due`,
      [limit],
    );
    return rows.map((r) => r.orderId);
  }

  /**
   * The seller's money by state in `currency`. PAID is what payouts moved: the PAYOUT entries,
   * negated (a payout Stripe refused is netted by the positive entry that gave its money back).
   * The other states count every entry in them, that positive entry included.
   */
  async totals(sellerId: number, currency: string): Promise<Totals> {
    const rows: { state: EntryState; cents: string }[] = await this.db.tx.query(
      `SELECT state, sum(amount_cents) AS cents FROM ledger_entries
       WHERE seller_id = $1 AND currency = $2 AND state <> 'PAID'
       GROUP BY state
       UNION ALL
       SELECT 'PAID', -COALESCE(sum(amount_cents), 0) FROM ledger_entries
       WHERE seller_id = $1 AND currency = $2 AND type = 'PAYOUT'`,
      [sellerId, currency],
    );
    const totals: Totals = { PENDING: 0, CLEARING: 0, AVAILABLE: 0, HELD: 0, PAID: 0 };
    // sum() of integers is a bigint, which the driver hands over as a string.
    for (const r of rows) totals[r.state] = Number(r.cents);
    return totals;
  }

  /** Refund entries still PENDING at Stripe, made before `olderThan`; at most `limit`. */
  async stuckRefunds(olderThan: Date, limit: number): Promise<number[]> {
    const rows: { id: number }[] = await this.db.tx.query(
      `SELECT id FROM ledger_entries WHERE execution = 'PENDING' AND created_at < $1
       ORDER BY id LIMIT $2`,
      [olderThan, limit],
    );
    return rows.map((r) => r.id);
  }

  /** The seller's entries, newest first, below the keyset cursor `beforeId`. */
  page(sellerId: number, beforeId: number, limit: number): Promise<EntryRecord[]> {
    return this.db.tx.query(
      `SELECT ${ENTRY_COLUMNS} FROM ledger_entries e
       WHERE e.seller_id = $1 AND e.id < $2 ORDER BY e.id DESC LIMIT $3`,
      [sellerId, beforeId, limit],
    );
  }

  /** A refund entry waiting for (or past) its execution at Stripe, with what it needs. */
  async refundToExecute(entryId: number): Promise<RefundToExecute | null> {
    const rows: RefundToExecute[] = await this.db.tx.query(
      `SELECT e.id AS "entryId", -(e.amount_cents + e.platform_fee_cents) AS "amountCents",
              e.currency, p.stripe_tx_id AS "stripeTxId", e.execution
       FROM ledger_entries e JOIN payments p ON p.id = e.payment_id
       WHERE e.id = $1 AND e.type = 'REFUND' AND e.execution IS NOT NULL`,
      [entryId],
    );
    return rows[0] ?? null;
  }

  /**
   * Marks as SUCCEEDED the order's MANUAL refund entries that Stripe's refunded total on the
   * payment's charge now covers: the operator made them. Refunds are counted in entry order,
   * each with every refund before it, so an entry is done only once Stripe has refunded it and
   * all earlier ones.
   */
  async settleManualRefunds(orderId: number, stripeRefundedCents: number): Promise<void> {
    await this.db.tx.query(
      `WITH refunds AS (
         SELECT id, sum(-(amount_cents + platform_fee_cents)) OVER (ORDER BY id) AS upto
         FROM ledger_entries WHERE order_id = $1 AND type = 'REFUND'
       )
       UPDATE ledger_entries e SET execution = 'SUCCEEDED'
       FROM refunds r
       WHERE e.id = r.id AND r.upto <= $2 AND e.execution = 'MANUAL'`,
      [orderId, stripeRefundedCents],
    );
  }

  /** Records what Stripe did with a refund entry; only while it is PENDING. */
  async setExecution(
    entryId: number,
    execution: Execution,
    externalRef: string | null,
    error: string | null,
  ): Promise<void> {
    await this.db.tx.query(
      `UPDATE ledger_entries SET execution = $2, external_ref = $3, execution_error = $4
       WHERE id = $1 AND execution = 'PENDING'`,
      [entryId, execution, externalRef, error],
    );
  }
}
