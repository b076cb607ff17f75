import type { OrderStatus } from '../orders/order-process';
import type { EntryState } from './ledger-entry.entity';

/**
 * The rules of the earnings ledger, as pure functions: how a payment splits between the seller
 * and ECHO, how a refund splits, and what state an entry is in. The service applies them; the
 * database holds their results (ledger_entries' checks and triggers).
 */

/** What an order looks like to its entries. */
export interface EntryFacts {
  orderStatus: OrderStatus;
  /** A dispute or a chargeback is OPEN on the order. */
  onHold: boolean;
  /** When the order's earnings clear; null until the order is COMPLETED. */
  availableAt: Date | null;
  /** A payout covers the entry. */
  paid: boolean;
}

/**
 * An entry's state. A payout is final: PAID stays PAID whatever happens to the order later (a
 * refund then is a new negative entry, netted by the next payout). Otherwise an open dispute or
 * chargeback holds the money; until the order is COMPLETED it is PENDING; then CLEARING until
 * `availableAt`, and AVAILABLE from then on.
 */
export function entryState(facts: EntryFacts, now: Date): EntryState {
  if (facts.paid) return 'PAID';
  if (facts.onHold) return 'HELD';
  if (facts.orderStatus !== 'COMPLETED' || facts.availableAt === null) return 'PENDING';
  return facts.availableAt.getTime() > now.getTime() ? 'CLEARING' : 'AVAILABLE';
}

/** The money of one entry, in cents: the seller's part and ECHO's part. */
export interface Split {
  sellerCents: number;
  platformFeeCents: number;
}

/** A payment of `totalCents` with a fee of `feeCents` (computed when it was recorded). */
export function splitPayment(totalCents: number, feeCents: number): Split {
  return { sellerCents: totalCents - feeCents, platformFeeCents: feeCents };
}

/** n × fee / total, rounded half-up, exactly (the product can pass 2^53). */
function feeShare(feeCents: number, totalCents: number, n: number): number {
  const num = 2n * BigInt(feeCents) * BigInt(n) + BigInt(totalCents);
  return Number(num / (2n * BigInt(totalCents)));
}

/**
 * The entry for money going back to the buyer (a refund or a lost chargeback), when what has
 * gone back on the payment rises from `beforeCents` to `afterCents`. ECHO gives back its fee in
 * proportion, fee × returned / total rounded half-up to the cent, and the seller the rest.
 *
 * The proportion is taken of the running total, not of each refund alone, so rounding never
 * accumulates: after any sequence of refunds ECHO has given back exactly round(fee × returned /
 * total), and a full refund gives back the whole fee and leaves the seller's entries at zero.
 * Both parts are negative (or zero) and add up to the amount returned.
 */
export function splitReturn(
  payment: { totalCents: number; feeCents: number },
  beforeCents: number,
  afterCents: number,
): Split {
  const feeBack =
    feeShare(payment.feeCents, payment.totalCents, afterCents) -
    feeShare(payment.feeCents, payment.totalCents, beforeCents);
  const returned = afterCents - beforeCents;
  return { sellerCents: -(returned - feeBack), platformFeeCents: -feeBack };
}
