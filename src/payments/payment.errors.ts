import { defineErrors } from '../common/errors/domain-error';

export const PaymentErrors = defineErrors({
  PAYMENT_NOT_FOUND: { status: 404, meaning: 'The order has no recorded payment.' },
  PAYMENT_ALREADY_RECORDED: {
    status: 409,
    meaning: 'The order already has its payment; there is one per order.',
  },
  PAYMENT_STRIPE_TX_REUSED: {
    status: 409,
    meaning: 'The stripeTxId is already recorded against another payment.',
  },
  STRIPE_WEBHOOK_NOT_CONFIGURED: {
    status: 503,
    meaning: 'Stripe webhooks are not configured on this server (STRIPE_WEBHOOK_SECRET is unset).',
  },
  STRIPE_SIGNATURE_MISSING: {
    status: 400,
    meaning: 'A Stripe event came without its body or without a Stripe-Signature header.',
  },
  STRIPE_SIGNATURE_INVALID: {
    status: 400,
    meaning: 'The Stripe-Signature does not match the body and the secret, or it is too old.',
  },
  STRIPE_EVENT_MALFORMED: {
    status: 400,
    meaning: 'The signed body is not a Stripe event: it has no id or no type.',
  },
});
