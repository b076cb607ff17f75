import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_ID, toId } from './parse-id.pipe';

/**
 * Query strings are text: only plain digits become a number. Number() would also read "1e3",
 * "0x10" and " 5" as ids; anything else is left as it is, for IsInt to refuse.
 */
export const digitsToNumber = ({ value }: { value: unknown }): unknown => toId(value) ?? value;

/**
 * A positive integer id. In bodies it must be a JSON number; in query strings (`fromQuery`)
 * the text must be plain digits. Either way a bad id is a 400 naming the field.
 */
export function IsId(options: { fromQuery?: boolean } = {}) {
  const message = ({ property }: { property: string }) => `${property} must be a positive integer`;
  return applyDecorators(
    ...(options.fromQuery ? [Transform(digitsToNumber)] : []),
    IsInt({ message }),
    Min(1, { message }),
    Max(MAX_ID, { message }),
  );
}
