import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: a malformed id, a missing or invalid field, or an unknown field.',
  401: 'Missing, expired or invalid bearer token.',
  403: 'Authenticated, but not allowed to do this.',
  404: 'The resource does not exist.',
  409: 'The request conflicts with the current state of the resource.',
  413: 'The request body is too large.',
  429: 'Too many requests: wait for the number of seconds in Retry-After.',
  503: 'Not available right now (the database is unreachable, or the server is shutting down).',
};

/** Documents the error responses of a route, all with the shared error body. */
export function ApiErrors(...codes: number[]) {
  return applyDecorators(
    ...codes.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto }),
    ),
  );
}
