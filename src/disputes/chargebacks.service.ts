import { Injectable, OnModuleInit } from '@nestjs/common';
import type Stripe from 'stripe';
import { formatCents, MAX_AMOUNT } from '../common/money';
import { EarningsService } from '../earnings/earnings.service';
import { LiveEventsWriter } from '../live/live-events.writer';
import { PaymentsService } from '../payments/payments.service';
import type { PaymentRecord } from '../payments/payments.repository';
import { NEEDS_REVIEW, StripeWebhookService, stripeId } from '../payments/stripe-webhook.service';
import { fromStripeAmount } from '../stripe/stripe-amounts';
import { toDisputeResponse } from './dispute.mapper';
import { DisputesRepository, type DisputeRecord } from './disputes.repository';
import { DisputesService } from './disputes.service';

/** Stripe's outcomes that close a dispute, and whether the money stays with the seller. */
const CLOSING: Record<string, 'WON' | 'LOST'> = {
  won: 'WON',
  lost: 'LOST',
  // An inquiry closed without becoming a chargeback: nothing was taken.
  warning_closed: 'WON',
};

const dateOf = (seconds: unknown): Date | null =>
  typeof seconds === 'number' && Number.isSafeInteger(seconds) ? new Date(seconds * 1000) : null;

/**
 * Card chargebacks, from Stripe's signed events, each applied once per event id by the webhook
 * (this runs in its unit of work). `charge.dispute.created` opens a dispute of kind CHARGEBACK on
 * the order paid with the disputed charge, with Stripe's evidence deadline, and holds the
 * seller's earnings there. `charge.dispute.closed` closes it: won, the earnings follow the order
 * again; lost, the disputed amount is taken back like a refund (ECHO's fee in proportion, the
 * rest from the seller), also when the seller was paid already (a negative entry the next payout
 * nets). A closing that arrives before its opening (Stripe does not promise their order) opens
 * and closes the dispute at once.
 */
@Injectable()
export class ChargebacksService implements OnModuleInit {
  constructor(
    private readonly webhooks: StripeWebhookService,
    private readonly disputes: DisputesRepository,
    private readonly disputeService: DisputesService,
    private readonly payments: PaymentsService,
    private readonly earnings: EarningsService,
    private readonly live: LiveEventsWriter,
  ) {}

  onModuleInit(): void {
    this.webhooks.on('charge.dispute.created', (o) => this.created(o as Stripe.Dispute));
    this.webhooks.on('charge.dispute.closed', (o) => this.closed(o as Stripe.Dispute));
  }

  private async created(d: Stripe.Dispute | undefined): Promise<string> {
    const found = await this.paymentOf(d);
    if (typeof found === 'string') return found;
    const opened = await this.open(found.dispute, found.payment);
    return opened
      ? `opened chargeback dispute ${opened.id}`
      : 'ignored: this chargeback is recorded already';
  }

  private async closed(d: Stripe.Dispute | undefined): Promise<string> {
    const found = await this.paymentOf(d);
    if (typeof found === 'string') return found;
    const { dispute: stripeDispute, payment } = found;
    const outcome = CLOSING[String(stripeDispute.status)];
    if (!outcome) return `ignored: a dispute closed as ${String(stripeDispute.status)}`;
    const recorded =
      (await this.disputes.findChargeback(stripeDispute.id)) ??
      (await this.open(stripeDispute, payment));
    if (!recorded) return 'ignored: no chargeback could be recorded for this dispute';
    const lost = outcome === 'LOST' ? this.amountOf(stripeDispute) : 0;
    const resolution =
      outcome === 'WON'
        ? 'Won at Stripe: the charge stands.'
        : `Lost at Stripe: ${formatCents(lost)} ${payment.currency} went back to the cardholder.`;
    const closed = await this.disputes.closeChargeback(recorded.id, resolution);
    if (!closed) return `ignored: chargeback dispute ${recorded.id} is closed already`;
    const reviewReason = lost > 0 ? await this.payments.chargeBack(payment, lost) : null;
    await this.disputeService.afterClose(closed.orderId);
    const response = toDisputeResponse(closed);
    await this.live.record(
      'dispute.resolved',
      { orderId: closed.orderId, disputeId: closed.id },
      response,
    );
    const done = `closed chargeback dispute ${closed.id}: ${outcome.toLowerCase()}`;
    return reviewReason === null ? done : `${done}${NEEDS_REVIEW}`;
  }

  /** Records the chargeback OPEN and holds the order's earnings; null when it is recorded. */
  private async open(d: Stripe.Dispute, payment: PaymentRecord): Promise<DisputeRecord | null> {
    const disputed = this.amountOf(d);
    const opened = await this.disputes.openChargeback({
      orderId: payment.orderId,
      stripeDisputeId: d.id,
      reason:
        `Chargeback at Stripe (${typeof d.reason === 'string' ? d.reason : 'no reason given'}): ` +
        `${formatCents(disputed)} ${payment.currency} disputed.`,
      dueBy: dateOf(d.evidence_details?.due_by),
    });
    if (opened) await this.earnings.follow(payment.orderId);
    return opened;
  }

  /** The disputed amount in cents, at most the ceiling of every amount ECHO takes. */
  private amountOf(d: Stripe.Dispute): number {
    const minor = Number.isSafeInteger(d.amount) && d.amount > 0 ? d.amount : 0;
    const currency = typeof d.currency === 'string' ? d.currency : '';
    return Math.min(fromStripeAmount(minor, currency), MAX_AMOUNT * 100);
  }

  /** The dispute's payment, or the outcome to keep when there is none. */
  private async paymentOf(
    d: Stripe.Dispute | undefined,
  ): Promise<{ dispute: Stripe.Dispute; payment: PaymentRecord } | string> {
    if (!d || stripeId(d) === null) return 'ignored: no dispute in data.object';
    const ids = [stripeId(d.payment_intent), stripeId(d.charge)].filter(
      (id): id is string => id !== null,
    );
    if (!ids.length) return 'ignored: the dispute names no charge';
    const payment = await this.payments.findByStripeTx(ids);
    return payment ? { dispute: d, payment } : 'ignored: no payment matches the disputed charge';
  }
}
