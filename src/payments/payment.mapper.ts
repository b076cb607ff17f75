import { fromCents } from '../common/money';
import type { PaymentResponse, PaymentSettingsResponse } from './dto/payment.dto';
import type { PaymentRecord, SettingsRecord } from './payments.repository';

export const toPaymentResponse = (p: PaymentRecord): PaymentResponse => ({
  id: p.id,
  orderId: p.orderId,
  stripeTxId: p.stripeTxId,
  totalAmount: fromCents(p.totalAmountCents),
  platformFee: fromCents(p.platformFeeCents),
  currency: p.currency,
  status: p.status,
  refundedAmount: fromCents(p.refundedAmountCents),
  chargebackAmount: fromCents(p.chargebackCents),
  paymentDate: new Date(p.paymentDate).toISOString(),
  needsReview: p.needsReview,
  reviewReason: p.reviewReason,
});

export const toPaymentSettingsResponse = (s: SettingsRecord): PaymentSettingsResponse => ({
  platformFeePercent: Number(s.platformFeePercent),
  updatedAt: s.updatedAt.toISOString(),
});
