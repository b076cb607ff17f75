import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Stripe from 'stripe';
import type { EnvironmentVariables } from '../config/env.validation';
import { toStripeAmount } from './stripe-amounts';

/** What Stripe answered to a request that moves money. */
export type StripeOutcome =
  | { ok: true; id: string; status: 'SUCCEEDED' | 'PENDING' }
  /** Stripe refused it for good (a 4xx): retrying the same request cannot help. */
  | { ok: false; error: string };

/** How long one call to Stripe may take; a job that times out is retried with the same key. */
const TIMEOUT_MS = 20_000;

/**
 * The money ECHO moves at Stripe, through the official SDK: refunds to buyers and transfers to
 * sellers' connected accounts. Each call carries an idempotency key made from the ledger entry
 * or payout id, so a job retried after a crash or a timeout can never move the money twice.
 * A refusal by Stripe is returned; a failure to reach it (network, 5xx, 429) is thrown, for the
 * job to retry.
 */
@Injectable()
export class StripeGateway {
  private readonly stripe: Stripe | null;

  constructor(config: ConfigService<EnvironmentVariables, true>) {
    const key = config.get('STRIPE_SECRET_KEY', { infer: true });
    const base = config.get('STRIPE_API_URL', { infer: true });
    const url = base ? new URL(base) : null;
    this.stripe = key
      ? new Stripe(key, {
          timeout: TIMEOUT_MS,
          // The job retries, with the same idempotency key; the SDK need not.
          maxNetworkRetries: 0,
          telemetry: false,
          ...(url && {
            host: url.hostname,
            port: url.port || (url.protocol === 'https:' ? 443 : 80),
            protocol: url.protocol === 'https:' ? 'https' : 'http',
          }),
        })
      : null;
  }

  /** True when a secret key is configured: money is moved at Stripe, else by an operator. */
  get configured(): boolean {
    return this.stripe !== null;
  }

  /** Refunds `cents` of a payment made with `stripeTxId` (a payment intent or a charge). */
  refund(stripeTxId: string, cents: number, currency: string, key: string) {
    const amount = toStripeAmount(cents, currency);
    if (amount === null) return Promise.resolve(unpayable(cents, currency));
    const target = stripeTxId.startsWith('ch_')
      ? { charge: stripeTxId }
      : { payment_intent: stripeTxId };
    return this.call(async (stripe) => {
      const refund = await stripe.refunds.create(
        { ...target, amount, metadata: { ledgerEntry: key } },
        { idempotencyKey: key },
      );
      if (refund.status === 'failed' || refund.status === 'canceled') {
        return { ok: false, error: `Stripe reports the refund ${refund.id} as ${refund.status}.` };
      }
      return {
        ok: true,
        id: refund.id,
        status: refund.status === 'succeeded' ? 'SUCCEEDED' : 'PENDING',
      };
    });
  }

  /** Transfers `cents` to the connected account `destination` (acct_...). */
  transfer(destination: string, cents: number, currency: string, key: string) {
    const amount = toStripeAmount(cents, currency);
    if (amount === null) return Promise.resolve(unpayable(cents, currency));
    return this.call(async (stripe) => {
      const transfer = await stripe.transfers.create(
        {
          amount,
          currency: currency.toLowerCase(),
          destination,
          transfer_group: key,
          metadata: { payout: key },
        },
        { idempotencyKey: key },
      );
      return { ok: true, id: transfer.id, status: 'SUCCEEDED' };
    });
  }

  private async call(request: (stripe: Stripe) => Promise<StripeOutcome>): Promise<StripeOutcome> {
    if (!this.stripe) throw new Error('STRIPE_SECRET_KEY is not set');
    try {
      return await request(this.stripe);
    } catch (err) {
      // Stripe looked at the request and refused it: the same request would be refused again.
      if (
        err instanceof Stripe.errors.StripeError &&
        typeof err.statusCode === 'number' &&
        err.statusCode >= 400 &&
        err.statusCode < 500 &&
        err.statusCode !== 429 &&
        err.statusCode !== 409
      ) {
        return { ok: false, error: `Stripe refused it: ${err.message}` };
      }
      throw err;
    }
  }
}

const unpayable = (cents: number, currency: string): StripeOutcome => ({
  ok: false,
  error: `${cents / 100} ${currency} is not a whole amount in ${currency}, which Stripe requires.`,
});
