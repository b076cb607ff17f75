import { Injectable } from '@nestjs/common';
import { fromCents, MARKETPLACE_CURRENCY } from '../common/money';
import { ORDER_STATUSES } from '../orders/order-process';
import { AdminStatsRepository } from './admin-stats.repository';
import type { AdminStatsResponse } from './dto/admin-stats.response';

const DAYS = 30;

/** The operator's overview. Its counts are independent and run concurrently. */
@Injectable()
export class AdminStatsService {
  constructor(private readonly counts: AdminStatsRepository) {}

  async stats(): Promise<AdminStatsResponse> {
    const [users, orders, disputes, payments, ledger, balances, payouts] = await Promise.all([
      this.counts.userCounts(),
      this.counts.orderCountsByStatus(),
      this.counts.openDisputes(),
      this.counts.paymentTotalsSince(DAYS),
      this.counts.ledgerTotalsSince(DAYS),
      this.counts.balances(),
      this.counts.payoutTotalsSince(DAYS),
    ]);
    const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<
      string,
      number
    >;
    for (const row of orders) byStatus[row.status] = row.count;
    const oldest = disputes.oldestCreatedAt;
    const now = Date.now();
    return {
      users,
      orders: { total: orders.reduce((sum, r) => sum + r.count, 0), byStatus },
      disputes: {
        open: disputes.count,
        oldestOpenSince: oldest ? oldest.toISOString() : null,
        oldestOpenAgeSeconds: oldest ? Math.floor((now - oldest.getTime()) / 1000) : null,
      },
      payments: {
        days: DAYS,
        count: payments.count,
        totalAmount: fromCents(payments.totalAmountCents),
        platformFees: fromCents(payments.platformFeeCents),
        refundedAmount: fromCents(payments.refundedAmountCents),
      },
      ledger: {
        days: DAYS,
        feesKept: fromCents(ledger.feesKeptCents),
        refunded: fromCents(ledger.refundedCents),
        chargedBack: fromCents(ledger.chargedBackCents),
      },
      balances: {
        currency: MARKETPLACE_CURRENCY,
        pending: fromCents(balances.pending),
        clearing: fromCents(balances.clearing),
        held: fromCents(balances.held),
        available: fromCents(balances.available),
      },
      payouts: { days: DAYS, count: payouts.count, amount: fromCents(payouts.amountCents) },
      generatedAt: new Date(now).toISOString(),
    };
  }
}
