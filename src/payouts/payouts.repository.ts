import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { selectList } from '../database/select-list';
import type { Execution } from '../earnings/ledger-entry.entity';

/** A payout as the API shows it. */
export interface PayoutRecord {
  id: number;
  sellerId: number;
  amountCents: number;
  currency: string;
  entryCount: number;
  execution: Execution;
  externalRef: string | null;
  executionNote: string | null;
  createdAt: Date;
}

export interface NewPayout {
  sellerId: number;
  currency: string;
  execution: Execution;
  executionNote: string | null;
  byUserId: number;
}

export type PayOutResult =
  | { ok: true; payout: PayoutRecord }
  /** Nothing was paid: what AVAILABLE added up to (zero, or negative after refunds). */
  | { ok: false; reason: 'NOTHING_AVAILABLE'; availableCents: number };

/** How a payout ended, as Stripe or an operator reports it. */
export interface PayoutOutcome {
  execution: Execution;
  /** Stripe's transfer, or the operator's reference of a transfer made by hand. */
  externalRef: string | null;
  /** Why it FAILED, or the operator's note; null otherwise. */
  note: string | null;
}

/** A payout waiting to be transferred at Stripe. */
export interface PayoutToExecute {
  id: number;
  amountCents: number;
  currency: string;
  execution: Execution;
  destination: string | null;
}

const PAYOUT_FIELDS: Record<keyof PayoutRecord, string> = {
  id: 'p.id',
  sellerId: 'p.seller_id',
  amountCents: 'p.amount_cents',
  currency: 'p.currency',
  entryCount: 'p.entry_count',
  execution: 'p.execution',
  externalRef: 'p.external_ref',
  executionNote: 'p.execution_note',
  createdAt: 'p.created_at',
};
const PAYOUT_COLUMNS = selectList(PAYOUT_FIELDS);

/** Every query of payouts, and the sellers' payout accounts. */
@Injectable()
export class PayoutsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Pays out everything AVAILABLE to the seller in `currency`, in one statement: the entries are
   * marked PAID with the new payout's id only while they are still AVAILABLE and unpaid, so of
   * concurrent payouts the first takes them and the others, having waited for its row locks,
   * find none. The payout and its PAYOUT entry are written only when the sum is positive; when
   * it is not, the entries were still marked, and the caller must roll back (the ledger's
   * deferred foreign key to payouts would refuse the commit anyway).
   */
  async payOut(p: NewPayout): Promise<PayOutResult> {
    const rows: (PayoutRecord & { availableCents: number })[] = await this.db.tx.query(
      `WITH next AS (SELECT nextval(pg_get_serial_sequence('payouts', 'id'))::int AS id),
       paid AS (
         UPDATE ledger_entries SET payout_id = (SELECT id FROM next), state = 'PAID'
         WHERE seller_id = $1 AND currency = $2 AND state = 'AVAILABLE' AND payout_id IS NULL
         RETURNING amount_cents
       ),
       total AS (SELECT COALESCE(sum(amount_cents), 0)::int AS cents, count(*)::int AS n FROM paid),
       created AS (
         INSERT INTO payouts (id, seller_id, amount_cents, currency, entry_count, execution,
                              execution_note, created_by_user_id)
         SELECT next.id, $1, total.cents, $2, total.n, $3, $4, $5 FROM next, total
         WHERE total.cents > 0
         RETURNING *
       ),
       entry AS (
         INSERT INTO ledger_entries (seller_id, payout_id, type, amount_cents, platform_fee_cents,
                                     currency, state)
         SELECT seller_id, id, 'PAYOUT', -amount_cents, 0, currency, 'PAID' FROM created
       )
       SELECT ${PAYOUT_COLUMNS}, total.cents AS "availableCents"
       FROM total LEFT JOIN created p ON true`,
      [p.sellerId, p.currency, p.execution, p.executionNote, p.byUserId],
    );
    const { availableCents, ...payout } = rows[0];
    if (payout.id === null) return { ok: false, reason: 'NOTHING_AVAILABLE', availableCents };
    return { ok: true, payout };
  }

  /** The seller's connected Stripe account, or null; undefined when there is no such user. */
  async stripeAccountOf(sellerId: number): Promise<string | null | undefined> {
    const rows: { account: string | null }[] = await this.db.tx.query(
      `SELECT stripe_account_id AS account FROM users WHERE id = $1`,
      [sellerId],
    );
    return rows.length ? rows[0].account : undefined;
  }

  /** Sets the seller's connected account; false when there is no such user. */
  async setStripeAccount(sellerId: number, account: string | null): Promise<boolean> {
    const rows: unknown[] = await this.db.tx.query(
      `WITH changed AS (UPDATE users SET stripe_account_id = $2 WHERE id = $1 RETURNING 1)
       SELECT 1 FROM changed`,
      [sellerId, account],
    );
    return rows.length > 0;
  }

  /** Payouts newest first below the keyset cursor `beforeId`; of one seller when given. */
  page(beforeId: number, limit: number, sellerId?: number): Promise<PayoutRecord[]> {
    const bySeller = sellerId === undefined ? '' : 'AND p.seller_id = $3';
    return this.db.tx.query(
      `SELECT ${PAYOUT_COLUMNS} FROM payouts p
       WHERE p.id < $1 ${bySeller} ORDER BY p.id DESC LIMIT $2`,
      sellerId === undefined ? [beforeId, limit] : [beforeId, limit, sellerId],
    );
  }

  async toExecute(payoutId: number): Promise<PayoutToExecute | null> {
    const rows: PayoutToExecute[] = await this.db.tx.query(
      `SELECT p.id, p.amount_cents AS "amountCents", p.currency, p.execution,
              u.stripe_account_id AS destination
       FROM payouts p JOIN users u ON u.id = p.seller_id WHERE p.id = $1`,
      [payoutId],
    );
    return rows[0] ?? null;
  }

  /**
   * Records how a payout ended, only while its execution is `from` (PENDING for Stripe's
   * answers, MANUAL for an operator's), so that a repeated or racing record changes it once.
   * A FAILED payout gives its money back to the seller's AVAILABLE balance as a positive PAYOUT
   * entry that the next payout takes (the entries it covered stay PAID: an entry is never paid
   * twice, and the ledger is never rewritten). Returns the payout as it now is, and whether this
   * record changed it; null when there is no such payout.
   */
  async record(
    payoutId: number,
    from: Execution,
    outcome: PayoutOutcome,
  ): Promise<{ payout: PayoutRecord; changed: boolean } | null> {
    const rows: (PayoutRecord & { changed: boolean })[] = await this.db.tx.query(
      `WITH changed AS (
         UPDATE payouts SET execution = $3, external_ref = $4, execution_note = $5
         WHERE id = $1 AND execution = $2
         RETURNING *
       ),
       back AS (
         INSERT INTO ledger_entries (seller_id, type, amount_cents, platform_fee_cents, currency,
                                     state, available_at)
         SELECT seller_id, 'PAYOUT', amount_cents, 0, currency, 'AVAILABLE', now()
         FROM changed WHERE execution = 'FAILED'
       )
       SELECT ${PAYOUT_COLUMNS}, true AS changed FROM changed p
       UNION ALL
       SELECT ${PAYOUT_COLUMNS}, false FROM payouts p
       WHERE p.id = $1 AND NOT EXISTS (SELECT 1 FROM changed)`,
      [payoutId, from, outcome.execution, outcome.externalRef, outcome.note],
    );
    if (!rows.length) return null;
    const { changed, ...payout } = rows[0];
    return { payout, changed };
  }

  /** Payouts still PENDING at Stripe, made before `olderThan`; at most `limit`. */
  async stuck(olderThan: Date, limit: number): Promise<number[]> {
    const rows: { id: number }[] = await this.db.tx.query(
      `SELECT id FROM payouts WHERE execution = 'PENDING' AND created_at < $1 ORDER BY id LIMIT $2`,
      [olderThan, limit],
    );
    return rows.map((r) => r.id);
  }
}
