import { fromCents } from '../common/money';
import type { PaymentResponse } from './dto/payment.dto';
import type { PaymentStatus } from './payment.entity';

export interface PaymentRow {
  id: number;
  order_id: number;
  stripe_tx_id: string;
  total_amount_cents: number;
  platform_fee_cents: number;
  currency: string;
  status: PaymentStatus;
  refunded_amount_cents: number;
  payment_date: Date;
}

export const PAYMENT_COLUMNS = `id, order_id, stripe_tx_id, total_amount_cents,
  platform_fee_cents, currency, status, refunded_amount_cents, payment_date`;

export const toPaymentResponse = (r: PaymentRow): PaymentResponse => ({
  id: r.id,
  orderId: r.order_id,
  stripeTxId: r.stripe_tx_id,
  totalAmount: fromCents(r.total_amount_cents),
  platformFee: fromCents(r.platform_fee_cents),
  currency: r.currency,
  status: r.status,
  refundedAmount: fromCents(r.refunded_amount_cents),
  paymentDate: new Date(r.payment_date).toISOString(),
});
