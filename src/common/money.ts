/**
 * Money is handled as integer cents inside the code and stored as integer cents. At the edges
 * it is a JSON number with at most two decimals.
 */
export const MAX_AMOUNT = 1_000_000;

/**
 * The currency of every price on ECHO: orders carry no currency of their own, so an order's
 * `finalPrice` is in this one (ISO 4217).
 */
export const MARKETPLACE_CURRENCY = 'EUR';

/** Decimal amount (at most two decimals, already validated) to integer cents. */
export function toCents(amount: number): number {
  // Rounding removes binary noise such as 150.07 * 100 = 15006.999999999998.
  return Math.round(amount * 100);
}

/** Integer cents to the JSON number clients see (15007 -> 150.07). */
export function fromCents(cents: number): number {
  return Number((cents / 100).toFixed(2));
}

/**
 * True when `amount` is a whole number of cents: 150.07 and 0.1 are, 0.1 + 0.2 and 1e-7 are not.
 * JSON's 150.07 and 15007 / 100 are the same double, so the round trip is exact for valid input.
 */
export function isWholeCents(amount: number): boolean {
  return Number.isFinite(amount) && Math.round(amount * 100) / 100 === amount;
}

/** Integer cents as a person reads them, always with two decimals: 15000 -> "150.00". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
