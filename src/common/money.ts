/**
 * Money is handled as integer cents inside the code and stored as integer cents. At the edges
 * it is a JSON number with at most two decimals.
 */
export const MAX_AMOUNT = 1_000_000;

/** Decimal amount (at most two decimals, already validated) to integer cents. */
export function toCents(amount: number): number {
  // Rounding removes binary noise such as 150.07 * 100 = 15006.999999999998.
  return Math.round(amount * 100);
}

/** Integer cents to the JSON number clients see (15007 -> 150.07). */
export function fromCents(cents: number): number {
  return Number((cents / 100).toFixed(2));
}

/** `value * percent / 100` in cents, rounded half-up to the cent; percent may have decimals. */
export function percentOfCents(cents: number, percent: number): number {
  // Work in hundredths of a percent so the arithmetic stays in integers.
  const basisPoints = Math.round(percent * 100);
  const scaled = cents * basisPoints; // exact while below 2^53
  return Math.floor((scaled + 5_000) / 10_000);
}
