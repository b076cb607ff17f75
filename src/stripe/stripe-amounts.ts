/** Currencies whose Stripe amounts are whole units, not hundredths. */
const ZERO_DECIMAL = new Set(
  'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);

const isZeroDecimal = (currency: string) => ZERO_DECIMAL.has(currency.toLowerCase());

/**
 * Stripe's amount in minor units as ECHO's hundredths: Stripe's zero-decimal currencies count
 * whole units.
 */
export const fromStripeAmount = (minor: number, currency: string): number =>
  isZeroDecimal(currency) ? minor * 100 : minor;

/**
 * ECHO's hundredths as Stripe's minor units, or null when a zero-decimal currency's amount has
 * a fraction that Stripe cannot take.
 */
export const toStripeAmount = (cents: number, currency: string): number | null => {
  if (!isZeroDecimal(currency)) return cents;
  return cents % 100 === 0 ? cents / 100 : null;
};
