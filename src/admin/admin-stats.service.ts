import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { fromCents } from '../common/money';
import { ORDER_STATUSES } from '../orders/order-status';
import type { AdminStatsResponse } from './dto/admin-stats.response';

const DAYS = 30;

/**
 * The operator's overview. Each figure is one query served by an index: users by primary key,
 * orders by orders_status_idx (index-only), open disputes by their partial index, payments by
 * payments_payment_date_idx. The four run concurrently.
 */
@Injectable()
export class AdminStatsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async stats(): Promise<AdminStatsResponse> {
    const [users, orders, disputes, payments] = await Promise.all([
      this.dataSource.query<{ total: number; active: number }[]>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE is_active)::int AS active FROM users`,
      ),
      this.dataSource.query<{ status: string; n: number }[]>(
        `SELECT status, count(*)::int AS n FROM orders GROUP BY status`,
      ),
      this.dataSource.query<{ open: number; oldest: Date | null }[]>(
        `SELECT count(*)::int AS open,
                (SELECT created_at FROM disputes WHERE status = 'OPEN' ORDER BY id LIMIT 1) AS oldest
         FROM disputes WHERE status = 'OPEN'`,
      ),
      this.dataSource.query<{ n: number; total: string; fees: string; refunded: string }[]>(
        `SELECT count(*)::int AS n, COALESCE(sum(total_amount_cents), 0) AS total,
                COALESCE(sum(platform_fee_cents), 0) AS fees,
                COALESCE(sum(refunded_amount_cents), 0) AS refunded
         FROM payments WHERE payment_date >= now() - make_interval(days => $1)`,
        [DAYS],
      ),
    ]);
    const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<
      string,
      number
    >;
    for (const row of orders) byStatus[row.status] = row.n;
    const oldest = disputes[0].oldest;
    const now = Date.now();
    return {
      users: users[0],
      orders: { total: orders.reduce((sum, r) => sum + r.n, 0), byStatus },
      disputes: {
        open: disputes[0].open,
        oldestOpenSince: oldest ? oldest.toISOString() : null,
        oldestOpenAgeSeconds: oldest ? Math.floor((now - oldest.getTime()) / 1000) : null,
      },
      payments: {
        days: DAYS,
        count: payments[0].n,
        totalAmount: fromCents(Number(payments[0].total)),
        platformFees: fromCents(Number(payments[0].fees)),
        refundedAmount: fromCents(Number(payments[0].refunded)),
      },
      generatedAt: new Date(now).toISOString(),
    };
  }
}
