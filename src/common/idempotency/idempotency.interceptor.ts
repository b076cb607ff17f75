import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, map, type Observable } from 'rxjs';
import { UnitOfWork } from '../../database/transaction-host';
import type { AuthUser } from '../auth/roles';
import { CommonErrors } from '../errors/domain-error';
import { TOO_DEEP_MESSAGE, tooDeep } from '../validation.pipe';
import { IdempotencyRepository } from './idempotency.repository';

type IdemRequest = FastifyRequest & { user?: AuthUser };

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/** Canonical JSON: object keys sorted, so the same body always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : 1,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const inFlight = () =>
  CommonErrors.IDEMPOTENCY_KEY_IN_USE(
    'A request with this Idempotency-Key is still being processed; retry shortly.',
  );
const reused = () =>
  CommonErrors.IDEMPOTENCY_KEY_REUSED(
    'This Idempotency-Key was used with a different request; use a new key.',
  );

type Outcome =
  { replayed: true; statusCode: number; response: unknown } | { replayed: false; body: unknown };

/**
 * Idempotency-Key on authenticated POSTs (bound by @Idempotent()), with Stripe's semantics: the first request with a key
 * runs and its successful response is kept for 24 hours; the same key and request again gets
 * that response back (status and body, `Idempotent-Replayed: true`) without doing anything;
 * the same key with a different request is 422; while the first is still running, 409. Keys
 * are scoped to the user.
 *
 * The key is claimed, the handler runs and its response is stored in one unit of work: they
 * commit together or not at all. A retry after any failure, a cut connection included, either
 * replays the committed answer or runs for the first time; a failed try leaves its key free.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly uow: UnitOfWork,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<IdemRequest>();
    const header = request.headers['idempotency-key'];
    if (header === undefined || !request.user) return next.handle();
    if (typeof header !== 'string' || !KEY_FORMAT.test(header)) {
      throw CommonErrors.IDEMPOTENCY_KEY_INVALID(
        'Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID.',
      );
    }
    // canonical() recurses; a body nested thousands deep would overflow the stack (a 500).
    if (tooDeep(request.body)) throw CommonErrors.VALIDATION_FAILED(TOO_DEEP_MESSAGE);
    const userId = request.user.id;
    const hash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonical(request.body)}`)
      .digest('hex');
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    const reply = http.getResponse<FastifyReply>();

    return from(this.run(userId, header, hash, status, next)).pipe(
      map((outcome) => {
        if (!outcome.replayed) return outcome.body;
        void reply.status(outcome.statusCode).header('Idempotent-Replayed', 'true');
        return outcome.response;
      }),
    );
  }

  private run(
    userId: number,
    key: string,
    requestHash: string,
    statusCode: number,
    next: CallHandler,
  ): Promise<Outcome> {
    return this.uow.run(async () => {
      const claim = await this.keys.claim(userId, key, requestHash);
      if (claim === 'in-flight') throw inFlight();
      if (claim === 'held-by-another-request') throw reused();
      const stored = await this.keys.find(userId, key);
      if (stored) {
        if (stored.requestHash !== requestHash) throw reused();
        return { replayed: true, statusCode: stored.statusCode, response: stored.response };
      }
      // The handler runs inside this unit of work: its repositories join the transaction.
      const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.keys.store(userId, key, { requestHash, statusCode, response: body });
      return { replayed: false, body };
    });
  }
}
