import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath, type ResponseObject } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: a malformed id, a missing or invalid field, or an unknown field.',
  401: 'Missing, expired or invalid bearer token.',
  403: 'Authenticated, but not allowed to do this.',
  404: 'The resource does not exist.',
  409: 'The request conflicts with the current state of the resource.',
  413: 'The request body is too large.',
  415: 'The request body is not JSON (send Content-Type: application/json).',
  422: 'The Idempotency-Key was used with another request.',
  429: 'Too many requests: wait for the number of seconds in Retry-After.',
  500: 'A fault on the server; quote the requestId when reporting it.',
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

/** The same error response as a plain OpenAPI object, for responses every route shares. */
export function errorResponseObject(status: number): ResponseObject {
  return {
    description: DESCRIPTIONS[status],
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponseDto) } } },
  };
}
