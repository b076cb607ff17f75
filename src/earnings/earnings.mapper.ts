import { fromCents } from '../common/money';
import type { EarningsResponse, LedgerEntryResponse } from './dto/earnings.dto';
import type { EntryRecord, Totals } from './earnings.repository';

export const toEarningsResponse = (currency: string, t: Totals): EarningsResponse => ({
  currency,
  pending: fromCents(t.PENDING),
  clearing: fromCents(t.CLEARING),
  held: fromCents(t.HELD),
  available: fromCents(t.AVAILABLE),
  paid: fromCents(t.PAID),
});

export const toLedgerEntryResponse = (e: EntryRecord): LedgerEntryResponse => ({
  id: e.id,
  orderId: e.orderId,
  payoutId: e.payoutId,
  type: e.type,
  amount: fromCents(e.amountCents),
  platformFee: fromCents(e.platformFeeCents),
  currency: e.currency,
  state: e.state,
  availableAt: e.availableAt === null ? null : e.availableAt.toISOString(),
  execution: e.execution,
  externalRef: e.externalRef,
  createdAt: e.createdAt.toISOString(),
});
