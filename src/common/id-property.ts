import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

const MAX_ID = 2_147_483_647;

/**
 * A positive integer id. In bodies it must be a JSON number; in query strings (`fromQuery`)
 * the text is converted first. Either way a bad id is a 400 naming the field.
 */
export function IsId(options: { fromQuery?: boolean } = {}) {
  const message = ({ property }: { property: string }) => `${property} must be a positive integer`;
  return applyDecorators(
    ...(options.fromQuery ? [Type(() => Number)] : []),
    IsInt({ message }),
    Min(1, { message }),
    Max(MAX_ID, { message }),
  );
}
