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
  previous?: Record<string, unknown>,
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
    data: previous ? { object, previous_attributes: previous } : { object },
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

export interface ChargeFields {
  /** The charge's payment intent; null for a charge made without one. */
  paymentIntent?: string | null;
  orderId?: number | string;
  /** What the charge took, in minor units. */
  amount?: number;
  /** Everything refunded on the charge so far, in minor units. */
  amountRefunded: number;
  currency?: string;
  id?: string;
}

/** A `charge.refunded` event: the charge with its running refunded total. */
export function aChargeRefundedEvent(
  charge: ChargeFields,
  id = `evt_${hex()}`,
): StripeEventBody & { chargeId: string } {
  const created = nowSeconds() - 30;
  const amount = charge.amount ?? 10000;
  const chargeId = charge.id ?? `ch_${hex()}`;
  const object = {
    id: chargeId,
    object: 'charge',
    amount,
    amount_captured: amount,
    amount_refunded: charge.amountRefunded,
    balance_transaction: `txn_${hex()}`,
    captured: true,
    created: created - 3600,
    currency: charge.currency ?? 'eur',
    livemode: false,
    metadata: charge.orderId === undefined ? {} : { orderId: String(charge.orderId) },
    paid: true,
    payment_intent: charge.paymentIntent === undefined ? `pi_${hex()}` : charge.paymentIntent,
    refunded: charge.amountRefunded >= amount,
    status: 'succeeded',
  };
  const previous = { amount_refunded: 0, refunded: false };
  return { ...anEventOf('charge.refunded', object, created, id, previous), chargeId };
}

export interface DisputeFields {
  /** The Stripe dispute's id; the same for its created and closed events. */
  id?: string;
  paymentIntent?: string | null;
  charge?: string;
  /** The disputed amount, in minor units. */
  amount: number;
  currency?: string;
  /** needs_response while open; won, lost or warning_closed when closed. */
  status?: string;
  reason?: string;
  /** Stripe's evidence deadline, in seconds. */
  dueBy?: number;
}

/** A `charge.dispute.created` or `charge.dispute.closed` event: the Dispute object. */
export function aChargeDisputeEvent(
  type: 'charge.dispute.created' | 'charge.dispute.closed',
  d: DisputeFields,
  id = `evt_${hex()}`,
): StripeEventBody & { disputeId: string } {
  const created = nowSeconds() - 10;
  const disputeId = d.id ?? `du_${hex()}`;
  const object = {
    id: disputeId,
    object: 'dispute',
    amount: d.amount,
    balance_transactions: [],
    charge: d.charge ?? `ch_${hex()}`,
    created: created - 60,
    currency: d.currency ?? 'eur',
    evidence_details: {
      due_by: d.dueBy ?? created + 7 * 86400,
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: d.paymentIntent === undefined ? `pi_${hex()}` : d.paymentIntent,
    reason: d.reason ?? 'fraudulent',
    status: d.status ?? (type === 'charge.dispute.created' ? 'needs_response' : 'lost'),
  };
  return { ...anEventOf(type, object, created, id), disputeId };
}
