import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/**
 * Stripe's wire format, built locally: events as Stripe sends them (API 2025+, pretty-printed
 * like Stripe's own bodies) and signed with the official package's test helper, so the service
 * checks them exactly as it checks Stripe's.
 */

export const nowSeconds = () => Math.floor(Date.now() / 1000);
const hex = () => randomBytes(8).toString('hex');

export const aWebhookSecret = () => `whsec_test_${hex()}`;

/** The Stripe-Signature header of `payload`, as Stripe computes it. */
export const signStripe = (payload: string, secret: string, timestamp = nowSeconds()) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

export interface StripeEventBody {
  /** The event id, which makes a retry the same event. */
  id: string;
  /** The exact bytes to send and to sign. */
  payload: string;
}

function anEventOf(
  type: string,
  object: Record<string, unknown>,
  created: number,
  id: string,
): StripeEventBody {
  const event = {
    id,
    object: 'event',
    api_version: '2025-09-30.clover',
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
  return { id, payload: JSON.stringify(event, null, 2) };
}

export interface IntentFields {
  orderId?: number | string;
  amount?: number;
  currency?: string;
  id?: string;
  created?: number;
}

/** An event of `type` carrying a PaymentIntent (`payment_intent.succeeded` and the like). */
export function aPaymentIntentEvent(
  type: string,
  intent: IntentFields = {},
  id = `evt_${hex()}`,
): StripeEventBody & { intentId: string } {
  const created = intent.created ?? nowSeconds() - 60;
  const amount = intent.amount ?? 10101;
  const intentId = intent.id ?? `pi_${hex()}`;
  const object = {
    id: intentId,
    object: 'payment_intent',
    amount,
    amount_received: amount,
    currency: intent.currency ?? 'eur',
    created,
    livemode: false,
    metadata: intent.orderId === undefined ? {} : { orderId: String(intent.orderId) },
    status: 'succeeded',
  };
  return { ...anEventOf(type, object, created, id), intentId };
}
