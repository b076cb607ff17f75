import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isWholeCents, MAX_AMOUNT } from './money';

/**
 * A money amount in a request: a JSON number above 0, at most MAX_AMOUNT, with at most two
 * decimals. 0.1 + 0.2 (0.30000000000000004) and 1e-7 are refused, never rounded.
 */
export function IsMoney(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isMoney',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && value > 0 && value <= MAX_AMOUNT && isWholeCents(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'amount'} must be a number above 0 and at most ${MAX_AMOUNT}, with at most two decimals`,
      },
    },
    options,
  );
}
