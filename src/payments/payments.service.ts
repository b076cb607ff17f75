import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../common/auth/roles';
import { fromCents, toCents } from '../common/money';
import { idsBefore } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { PageQueryDto } from '../common/pagination/page-query.dto';
import type { PaymentResponse, PaymentSettingsResponse, RecordPaymentDto } from './dto/payment.dto';
import { PAYMENT_COLUMNS, toPaymentResponse, type PaymentRow } from './payment.mapper';

export interface NewPayment {
  orderId: number;
  stripeTxId: string;
  totalCents: number;
  currency: string;
  paymentDate?: Date;
}

/** Why a payment could not be recorded; the HTTP route and the webhook report it differently. */
export type RecordRefusal = 'unknown order' | 'already paid' | 'tx reused';

const REFUSALS: Record<RecordRefusal, (p: NewPayment) => Error> = {
  'unknown order': (p) => new NotFoundException(`Order ${p.orderId} does not exist.`),
  'already paid': (p) =>
    new ConflictException(`Order ${p.orderId} already has a payment; there is one per order.`),
  'tx reused': () =>
    new ConflictException('This stripeTxId is already recorded against another payment.'),
};

@Injectable()
export class PaymentsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async settings(): Promise<PaymentSettingsResponse> {
    const rows: { platform_fee_percent: string; updated_at: Date }[] = await this.dataSource.query(
      'SELECT platform_fee_percent, updated_at FROM payment_settings WHERE id = 1',
    );
    return {
      platformFeePercent: Number(rows[0].platform_fee_percent),
      updatedAt: rows[0].updated_at.toISOString(),
    };
  }

  async updateSettings(user: AuthUser, percent: number): Promise<PaymentSettingsResponse> {
    await this.dataSource.query(
      `UPDATE payment_settings
       SET platform_fee_percent = $1, updated_by_user_id = $2, updated_at = now() WHERE id = 1`,
      [percent.toFixed(2), user.id],
    );
    return this.settings();
  }

  async recordByHand(dto: RecordPaymentDto): Promise<PaymentResponse> {
    const payment: NewPayment = {
      orderId: dto.orderId,
      stripeTxId: dto.stripeTxId,
      totalCents: toCents(dto.totalAmount),
      currency: (dto.currency ?? 'EUR').toUpperCase(),
    };
    const result = await this.record(this.dataSource.manager, payment);
    if (typeof result === 'string') throw REFUSALS[result](payment);
    return result;
  }

  /**
   * Records a payment. The fee is computed in the same statement from the percentage in force,
   * in numeric arithmetic rounded half-up to the cent, and stored with the payment. The unique
   * constraints (one payment per order, one per transaction id) settle races; ON CONFLICT keeps
   * a conflict from aborting the caller's transaction (the webhook stores its event regardless).
   */
  async record(tx: EntityManager, p: NewPayment): Promise<PaymentResponse | RecordRefusal> {
    const rows: (PaymentRow & { order_found: boolean })[] = await tx.query(
      `WITH o AS (SELECT id FROM orders WHERE id = $1 FOR KEY SHARE),
       created AS (
         INSERT INTO payments (order_id, stripe_tx_id, total_amount_cents, platform_fee_cents,
                               platform_fee_percent, currency, payment_date)
         SELECT o.id, $2, $3::int, round($3::int * s.platform_fee_percent / 100)::int,
                s.platform_fee_percent, $4, COALESCE($5::timestamptz, now())
         FROM o, payment_settings s WHERE s.id = 1
         ON CONFLICT DO NOTHING
         RETURNING *
       )
       SELECT EXISTS (SELECT 1 FROM o) AS order_found, c.*
       FROM (SELECT 1) AS one LEFT JOIN created c ON true`,
      [p.orderId, p.stripeTxId, p.totalCents, p.currency, p.paymentDate ?? null],
    );
    const row = rows[0];
    if (!row.order_found) return 'unknown order';
    if (row.id !== null) return toPaymentResponse(row);
    const paid: unknown[] = await tx.query('SELECT 1 FROM payments WHERE order_id = $1', [
      p.orderId,
    ]);
    return paid.length ? 'already paid' : 'tx reused';
  }

  async forOrder(orderId: number): Promise<PaymentResponse> {
    const rows: PaymentRow[] = await this.dataSource.query(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1`,
      [orderId],
    );
    if (!rows.length) throw new NotFoundException(`Order ${orderId} has no recorded payment.`);
    return toPaymentResponse(rows[0]);
  }

  async list(query: PageQueryDto): Promise<Page<PaymentResponse>> {
    const before = idsBefore(query.cursor);
    const rows: PaymentRow[] = await this.dataSource.query(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id < $1 ORDER BY id DESC LIMIT $2`,
      [before, query.limit + 1],
    );
    return Page.fromRows(rows, query.limit, toPaymentResponse);
  }

  /**
   * Adds a refund to the order's payment, inside the caller's transaction (a dispute being
   * resolved). Conditional on there being enough left to refund, so concurrent refunds can never
   * together exceed the total. A refusal throws, which rolls the whole transaction back.
   */
  async refund(tx: EntityManager, orderId: number, cents: number): Promise<void> {
    const rows: { id: number }[] = await tx.query(
      `WITH refunded AS (
         UPDATE payments SET
           refunded_amount_cents = refunded_amount_cents + $2,
           status = CASE WHEN refunded_amount_cents + $2 = total_amount_cents THEN 'REFUNDED'
                         ELSE 'PARTIALLY_REFUNDED' END
         WHERE order_id = $1 AND refunded_amount_cents + $2 <= total_amount_cents
         RETURNING id
       )
       SELECT id FROM refunded`,
      [orderId, cents],
    );
    if (rows.length) return;
    const payment: { left: number }[] = await tx.query(
      'SELECT total_amount_cents - refunded_amount_cents AS left FROM payments WHERE order_id = $1',
      [orderId],
    );
    if (!payment.length) {
      throw new BadRequestException(`Order ${orderId} has no recorded payment to refund.`);
    }
    throw new BadRequestException(
      `refundAmount is more than what is left to refund on this payment (${fromCents(payment[0].left)}).`,
    );
  }
}
