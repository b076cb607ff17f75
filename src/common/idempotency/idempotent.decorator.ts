import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * Makes an authenticated POST safe to retry with an Idempotency-Key (IdempotencyInterceptor),
 * and documents the header; the document adds the 409 and 422 that come with it. Every
 * authenticated POST carries it (openapi.e2e-spec checks the document for that). It is bound
 * per route, not globally, so reads never pay for an interceptor they do not use.
 */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      description:
        'Makes the request safe to retry: the same key and request within 24 h replays the ' +
        'first response (Idempotent-Replayed: true) without doing it again. Another request ' +
        'with the same key is 422; while the first is still running, 409.',
      schema: { type: 'string', maxLength: 255 },
    }),
  );
