import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';

/** A review score: a JSON integer from 1 to 5 ("5" and 4.5 are refused). */
export function IsScore() {
  const message = 'score must be an integer from 1 to 5';
  return applyDecorators(IsInt({ message }), Min(1, { message }), Max(5, { message }));
}
