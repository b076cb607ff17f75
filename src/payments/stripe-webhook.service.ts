import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import { ConfigService } from '@nestjs/config';
import Stripe from 'stripe';
import { MAX_AMOUNT } from '../common/money';
import { toId } from '../common/parse-id.pipe';
import type { EnvironmentVariables } from '../config/env.validation';
import type { WebhookAckResponse } from './dto/payment.dto';
import type { RecordRefusal } from './payment-process';
import { PaymentErrors } from './payment.errors';
import { PaymentsService } from './payments.service';
import { StripeEventsRepository } from './stripe-events.repository';
import { fromStripeAmount } from '../stripe/stripe-amounts';

/** Stripe's signatures older than this are refused (Stripe's own default). */
const TOLERANCE_SECONDS = 300;

/** Stripe's three-letter currency, lower case, or null when it is not one. */
const stripeCurrency = (currency: unknown): string | null =>
  typeof currency === 'string' && /^[a-z]{3}$/i.test(currency) ? currency.toLowerCase() : null;

/** An id of a Stripe object given either as its id or expanded to the object. */
export const stripeId = (ref: unknown): string | null => {
  const id = typeof ref === 'object' && ref !== null ? (ref as { id?: unknown }).id : ref;
  return typeof id === 'string' && id.length > 0 ? id : null;
};

/** Ends the outcome of an event that left its payment for a person to review. */
export const NEEDS_REVIEW = ', needs review';

/**
 * What another feature does with an event of one type, in the webhook's unit of work, given the
 * event's `data.object` as Stripe sent it (unchecked); returns the outcome to keep.
 */
export type StripeEventHandler = (object: unknown) => Promise<string>;

/** The outcome an event keeps when its payment was not recorded. */
const IGNORED: Record<RecordRefusal, string> = {
  ORDER_NOT_FOUND: 'ignored: unknown order',
  ALREADY_PAID: 'ignored: already paid',
  STRIPE_TX_REUSED: 'ignored: tx reused',
};

/**
 * Stripe webhooks: the signature is checked with Stripe's own library on the exact bytes
 * received; the event id is stored in the same transaction as its effect, so a replay finds it
 * and changes nothing. Events the service does not act on are acknowledged and kept.
 */
@Injectable()
export class StripeWebhookService {
  private readonly logger = new Logger('StripeWebhook');
  private readonly handlers = new Map<string, StripeEventHandler>();

  constructor(
    private readonly events: StripeEventsRepository,
    private readonly payments: PaymentsService,
    private readonly config: ConfigService<EnvironmentVariables, true>,
    private readonly uow: UnitOfWork,
  ) {}

  /** Lets a feature act on events of `type` (chargebacks are the disputes feature's). */
  on(type: string, handler: StripeEventHandler): void {
    if (this.handlers.has(type)) throw new Error(`Stripe events ${type} already have a handler`);
    this.handlers.set(type, handler);
  }

  verify(rawBody: Buffer | undefined, signature: string | undefined): Stripe.Event {
    const secret = this.config.get('STRIPE_WEBHOOK_SECRET', { infer: true });
    if (!secret) {
      throw PaymentErrors.STRIPE_WEBHOOK_NOT_CONFIGURED(
        'Stripe webhooks are not configured on this server (STRIPE_WEBHOOK_SECRET is unset).',
      );
    }
    if (!rawBody?.length || !signature) {
      throw PaymentErrors.STRIPE_SIGNATURE_MISSING(
        'A Stripe event needs its JSON body and a Stripe-Signature header.',
      );
    }
    try {
      return Stripe.webhooks.constructEvent(rawBody, signature, secret, TOLERANCE_SECONDS);
    } catch {
      throw PaymentErrors.STRIPE_SIGNATURE_INVALID(
        'The Stripe-Signature does not match this body and secret, or it is too old.',
      );
    }
  }

  async handle(event: Stripe.Event): Promise<WebhookAckResponse> {
    // A signature proves who sent the bytes, not that they make an event; check the shape.
    if (typeof event?.id !== 'string' || !event.id || typeof event.type !== 'string') {
      throw PaymentErrors.STRIPE_EVENT_MALFORMED(
        'The body is not a Stripe event (it needs an id and a type).',
      );
    }
    return this.apply(event);
  }

  /** The event's id, its effect and its outcome commit together, or not at all. */
  private async apply(event: Stripe.Event): Promise<WebhookAckResponse> {
    return this.uow.run(async () => {
      const claimed = await this.events.claim(event.id, event.type);
      if (!claimed.ok) return { received: true, outcome: 'duplicate event: nothing changed' };
      const outcome = await this.effect(event);
      await this.events.setOutcome(event.id, outcome);
      // Unknown charges and orders, and payments to review, are for a person to look at.
      if (outcome.startsWith('ignored') || outcome.endsWith(NEEDS_REVIEW)) {
        this.logger.warn({ event: event.id, type: event.type, outcome });
      }
      return { received: true, outcome };
    });
  }

  private effect(event: Stripe.Event): Promise<string> {
    switch (event.type) {
      case 'payment_intent.succeeded':
        return this.paymentSucceeded(event.data?.object);
      case 'charge.refunded':
        return this.chargeRefunded(event.data?.object);
      default: {
        const handler = this.handlers.get(event.type);
        if (handler) return handler(event.data?.object);
        return Promise.resolve(`ignored: ${event.type} is not handled`);
      }
    }
  }

  private async paymentSucceeded(intent: Stripe.PaymentIntent | undefined): Promise<string> {
    if (!intent || typeof intent.id !== 'string')
      return 'ignored: no payment intent in data.object';
    const orderId = toId(intent.metadata?.orderId);
    if (orderId === null) return 'ignored: metadata.orderId is missing or not an order id';
    const currency = stripeCurrency(intent.currency);
    if (currency === null) return 'ignored: no valid currency';
    // What was actually received; `amount` is only what was asked for.
    const minor = intent.amount_received;
    if (!Number.isSafeInteger(minor) || minor <= 0) return 'ignored: no amount received';
    const totalCents = fromStripeAmount(minor, currency);
    // The same ceiling as every amount ECHO takes; above it (e.g. JPY 30,000,000) the cents
    // would not fit the column, and a 400 would only make Stripe retry for days.
    if (totalCents > MAX_AMOUNT * 100) return `ignored: amount above ${MAX_AMOUNT}`;
    const result = await this.payments.record({
      orderId,
      stripeTxId: intent.id,
      totalCents,
      currency: currency.toUpperCase(),
      paymentDate: Number.isSafeInteger(intent.created)
        ? new Date(intent.created * 1000)
        : undefined,
    });
    if (!result.ok) return IGNORED[result.reason];
    const recorded = `recorded payment ${result.payment.id}`;
    return result.payment.needsReview ? `${recorded}${NEEDS_REVIEW}` : recorded;
  }

  /**
   * A refund on a charge: Stripe's `amount_refunded` (the charge's refunded total) is brought to
   * the payment it belongs to. A charge that matches no payment is acknowledged and logged.
   */
  private async chargeRefunded(charge: Stripe.Charge | undefined): Promise<string> {
    const chargeId = stripeId(charge);
    if (!charge || chargeId === null) return 'ignored: no charge in data.object';
    const currency = stripeCurrency(charge.currency);
    if (currency === null) return 'ignored: no valid currency';
    const minor = charge.amount_refunded;
    if (!Number.isSafeInteger(minor) || minor < 0) return 'ignored: no valid amount_refunded';
    const result = await this.payments.stripeRefunded({
      chargeId,
      intentId: stripeId(charge.payment_intent),
      orderId: toId(charge.metadata?.orderId),
      // Any size: what is applied is at most the payment's total (decideStripeRefund).
      refunded: { cents: fromStripeAmount(minor, currency), currency: currency.toUpperCase() },
    });
    if (!result.ok) return 'ignored: no payment matches the charge';
    const recorded = `recorded refund on payment ${result.payment.id}`;
    return result.reviewReason === null ? recorded : `${recorded}${NEEDS_REVIEW}`;
  }
}
