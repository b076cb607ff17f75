import { fromCents } from '../common/money';
import type { PayoutResponse } from './dto/payout.dto';
import type { PayoutRecord } from './payouts.repository';

export const toPayoutResponse = (p: PayoutRecord): PayoutResponse => ({
  id: p.id,
  sellerId: p.sellerId,
  amount: fromCents(p.amountCents),
  currency: p.currency,
  entryCount: p.entryCount,
  execution: p.execution,
  externalRef: p.externalRef,
  executionNote: p.executionNote,
  createdAt: p.createdAt.toISOString(),
});
