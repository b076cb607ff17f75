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

/** Currencies whose Stripe amounts are whole units, not hundredths. */
const ZERO_DECIMAL = new Set(
  'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);
/** Stripe's signatures older than this are refused (Stripe's own default). */
const TOLERANCE_SECONDS = 300;

/** Ends the outcome of an event that left its payment for a person to review. */
const NEEDS_REVIEW = ', needs review';

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

  constructor(
    private readonly events: StripeEventsRepository,
    private readonly payments: PaymentsService,
    private readonly config: ConfigService<EnvironmentVariables, true>,
    private readonly uow: UnitOfWork,
  ) {}

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
      const outcome =
        event.type === 'payment_intent.succeeded'
          ? await this.paymentSucceeded(event.data?.object)
          : `ignored: ${event.type} is not handled`;
      await this.events.setOutcome(event.id, outcome);
      // Unknown orders, ignored events and payments to review are for a person to look at.
      if (!outcome.startsWith('recorded') || outcome.endsWith(NEEDS_REVIEW)) {
        this.logger.warn({ event: event.id, type: event.type, outcome });
      }
      return { received: true, outcome };
    });
  }

  private async paymentSucceeded(intent: Stripe.PaymentIntent | undefined): Promise<string> {
    if (!intent || typeof intent.id !== 'string')
      return 'ignored: no payment intent in data.object';
    const orderId = toId(intent.metadata?.orderId);
    if (orderId === null) return 'ignored: metadata.orderId is missing or not an order id';
    if (typeof intent.currency !== 'string' || !/^[a-z]{3}$/i.test(intent.currency)) {
      return 'ignored: no valid currency';
    }
    const currency = intent.currency.toLowerCase();
    // What was actually received; `amount` is only what was asked for.
    const minor = intent.amount_received;
    if (!Number.isSafeInteger(minor) || minor <= 0) return 'ignored: no amount received';
    // Amounts are kept in hundredths; Stripe's zero-decimal currencies count whole units.
    const totalCents = ZERO_DECIMAL.has(currency) ? minor * 100 : minor;
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
}
