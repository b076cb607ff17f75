import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Dispute } from '../disputes/dispute.entity';
import { Order } from '../orders/order.entity';
import type { OrderStatus } from '../orders/order-process';
import { Payment } from '../payments/payment.entity';
import { User } from '../users/user.entity';
import { MARKETPLACE_CURRENCY } from '../common/money';

export interface UserCounts {
  total: number;
  active: number;
}

export interface OrderStatusCount {
  status: OrderStatus;
  count: number;
}

export interface OpenDisputes {
  count: number;
  /** When the oldest open dispute was opened; null when none is open. */
  oldestCreatedAt: Date | null;
}

export interface PaymentTotals {
  count: number;
  totalAmountCents: number;
  platformFeeCents: number;
  refundedAmountCents: number;
}

/** The ledger's movements of a period, in cents. */
export interface LedgerTotals {
  feesKeptCents: number;
  refundedCents: number;
  chargedBackCents: number;
}

/** Sellers' unpaid money by state, in cents. */
export interface Balances {
  pending: number;
  clearing: number;
  held: number;
  available: number;
}

export interface PayoutTotals {
  count: number;
  amountCents: number;
}

/**
 * The platform-wide counts of the operator's overview. Each is one query served by an index:
 * users by primary key, orders by orders_status_idx (index-only), open disputes by their partial
 * index, payments by payments_payment_date_idx, payouts by payouts_created_at_idx. The ledger's
 * sums read its entries of the period, and the balances its unpaid entries.
 */
@Injectable()
export class AdminStatsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get manager(): EntityManager {
    return this.db.tx;
  }

  async userCounts(): Promise<UserCounts> {
    const row = await this.manager
      .createQueryBuilder(User, 'u')
      .select('count(*)::int', 'total')
      .addSelect('count(*) FILTER (WHERE u.isActive)::int', 'active')
      .getRawOne<{ total: number; active: number }>();
    return { total: row?.total ?? 0, active: row?.active ?? 0 };
  }

  /** Only the statuses that have orders. */
  async orderCountsByStatus(): Promise<OrderStatusCount[]> {
    const rows = await this.manager
      .createQueryBuilder(Order, 'o')
      .select('o.status', 'status')
      .addSelect('count(*)::int', 'count')
      .groupBy('o.status')
      .getRawMany<OrderStatusCount>();
    return rows.map(({ status, count }) => ({ status, count }));
  }

  async openDisputes(): Promise<OpenDisputes> {
    const row = await this.manager
      .createQueryBuilder(Dispute, 'd')
      .select('count(*)::int', 'count')
      .addSelect(
        (oldest) =>
          oldest
            .select('d2.createdAt')
            .from(Dispute, 'd2')
            .where(`d2.status = 'OPEN'`)
            .orderBy('d2.id')
            .limit(1),
        'oldest',
      )
      .where(`d.status = 'OPEN'`)
      .getRawOne<{ count: number; oldest: Date | null }>();
    return { count: row?.count ?? 0, oldestCreatedAt: row?.oldest ?? null };
  }

  /** Payments dated in the last `days` days. */
  async paymentTotalsSince(days: number): Promise<PaymentTotals> {
    const row = await this.manager
      .createQueryBuilder(Payment, 'p')
      .select('count(*)::int', 'count')
      .addSelect('COALESCE(sum(p.totalAmountCents), 0)', 'total')
      .addSelect('COALESCE(sum(p.platformFeeCents), 0)', 'fees')
      .addSelect('COALESCE(sum(p.refundedAmountCents), 0)', 'refunded')
      .where('p.paymentDate >= now() - make_interval(days => :days)', { days })
      .getRawOne<{ count: number; total: string; fees: string; refunded: string }>();
    // sum() of integers is a bigint, which the driver hands over as a string.
    return {
      count: row?.count ?? 0,
      totalAmountCents: Number(row?.total ?? 0),
      platformFeeCents: Number(row?.fees ?? 0),
      refundedAmountCents: Number(row?.refunded ?? 0),
    };
  }

  /** The ledger's entries created in the last `days` days. */
  async ledgerTotalsSince(days: number): Promise<LedgerTotals> {
    const rows: { fees: string; refunded: string; charged_back: string }[] =
      await this.manager.query(
        `SELECT COALESCE(sum(platform_fee_cents), 0) AS fees,
              COALESCE(-sum(amount_cents + platform_fee_cents) FILTER (WHERE type = 'REFUND'), 0)
                AS refunded,
              COALESCE(-sum(amount_cents + platform_fee_cents) FILTER (WHERE type = 'CHARGEBACK'), 0)
                AS charged_back
       FROM ledger_entries WHERE created_at >= now() - make_interval(days => $1) AND currency = $2`,
        [days, MARKETPLACE_CURRENCY],
      );
    return {
      feesKeptCents: Number(rows[0].fees),
      refundedCents: Number(rows[0].refunded),
      chargedBackCents: Number(rows[0].charged_back),
    };
  }

  /** Every seller's money no payout has covered, by state. */
  async balances(): Promise<Balances> {
    const rows: { state: string; cents: string }[] = await this.manager.query(
      `SELECT state, sum(amount_cents) AS cents FROM ledger_entries
       WHERE payout_id IS NULL AND currency = $1 GROUP BY state`,
      [MARKETPLACE_CURRENCY],
    );
    const of = (state: string) => Number(rows.find((r) => r.state === state)?.cents ?? 0);
    return {
      pending: of('PENDING'),
      clearing: of('CLEARING'),
      held: of('HELD'),
      available: of('AVAILABLE'),
    };
  }

  /** Payouts of the last `days` days, but those Stripe refused (their money went back). */
  async payoutTotalsSince(days: number): Promise<PayoutTotals> {
    const rows: { count: number; cents: string }[] = await this.manager.query(
      `SELECT count(*)::int AS count, COALESCE(sum(amount_cents), 0) AS cents FROM payouts
       WHERE created_at >= now() - make_interval(days => $1) AND currency = $2
         AND execution <> 'FAILED'`,
      [days, MARKETPLACE_CURRENCY],
    );
    return { count: rows[0].count, amountCents: Number(rows[0].cents) };
  }
}
