import {
  BadRequestException,
  CallHandler,
  ConflictException,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  OnModuleDestroy,
  UnprocessableEntityException,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { catchError, concatMap, from, of, switchMap, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/roles';
import { TOO_DEEP_MESSAGE, tooDeep } from '../validation.pipe';

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

type Begin =
  | { kind: 'new' }
  | { kind: 'replay'; statusCode: number; response: unknown }
  | { kind: 'running' }
  | { kind: 'mismatch' };

/**
 * Idempotency-Key on authenticated POSTs, with Stripe's semantics: the first request with a key
 * runs and its successful response is kept for 24 hours; the same key and request again gets
 * that response back (status and body, `Idempotent-Replayed: true`) without doing anything;
 * the same key with a different request is 422; while the first is still running, 409. Keys
 * are scoped to the user. A request that fails keeps no key, so it can be retried as it is.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor, OnModuleDestroy {
  private readonly logger = new Logger('Idempotency');
  private readonly purge: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reflector: Reflector,
  ) {
    this.purge = setInterval(() => void this.purgeExpired(), 60 * 60 * 1000);
    this.purge.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purge);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<IdemRequest>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined || !request.user) return next.handle();
    if (typeof header !== 'string' || !KEY_FORMAT.test(header)) {
      throw new BadRequestException(
        'Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID.',
      );
    }
    // canonical() recurses; a body nested thousands deep would overflow the stack (a 500).
    if (tooDeep(request.body)) throw new BadRequestException(TOO_DEEP_MESSAGE);
    const userId = request.user.id;
    const hash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonical(request.body)}`)
      .digest('hex');
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    const reply = http.getResponse<FastifyReply>();

    return from(this.begin(userId, header, hash)).pipe(
      switchMap((begun) => {
        if (begun.kind === 'replay') {
          void reply.status(begun.statusCode).header('Idempotent-Replayed', 'true');
          return of(begun.response);
        }
        if (begun.kind === 'running') {
          throw new ConflictException(
            'A request with this Idempotency-Key is still being processed; retry shortly.',
          );
        }
        if (begun.kind === 'mismatch') {
          throw new UnprocessableEntityException(
            'This Idempotency-Key was used with a different request; use a new key.',
          );
        }
        return next.handle().pipe(
          concatMap(async (body: unknown) => {
            await this.finish(userId, header, status, body);
            return body;
          }),
          catchError(async (err: unknown) => {
            await this.forget(userId, header);
            throw err;
          }),
        );
      }),
    );
  }

  /**
   * Claims the key, or reads what it holds. An expired key (24 h), or one left running by a
   * crashed process for over a minute, is claimed afresh.
   */
  private async begin(userId: number, key: string, hash: string): Promise<Begin> {
    const claimed: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_keys (user_id, key, request_hash, state)
       VALUES ($1, $2, $3, 'running')
       ON CONFLICT (user_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, state = 'running', status_code = NULL,
             response = NULL, created_at = now()
         WHERE idempotency_keys.created_at < now() - interval '24 hours'
            OR (idempotency_keys.state = 'running'
                AND idempotency_keys.created_at < now() - interval '1 minute')
       RETURNING 1`,
      [userId, key, hash],
    );
    if (claimed.length) return { kind: 'new' };
    const rows: {
      request_hash: string;
      state: string;
      status_code: number | null;
      response: unknown;
    }[] = await this.dataSource.query(
      `SELECT request_hash, state, status_code, response FROM idempotency_keys
       WHERE user_id = $1 AND key = $2`,
      [userId, key],
    );
    const row = rows[0];
    if (!row) return this.begin(userId, key, hash); // forgotten meanwhile: claim it now
    if (row.request_hash !== hash) return { kind: 'mismatch' };
    if (row.state === 'running') return { kind: 'running' };
    return { kind: 'replay', statusCode: row.status_code ?? 200, response: row.response };
  }

  private async finish(userId: number, key: string, status: number, body: unknown) {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'done', status_code = $3, response = $4::json
       WHERE user_id = $1 AND key = $2`,
      [userId, key, status, JSON.stringify(body ?? null)],
    );
  }

  private async forget(userId: number, key: string) {
    await this.dataSource
      .query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND state = 'running'`, [
        userId,
        key,
      ])
      .catch((err: unknown) => this.logger.warn({ err }, 'Could not release an idempotency key'));
  }

  private async purgeExpired() {
    await this.dataSource
      .query(`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`)
      .catch((err: unknown) => this.logger.warn({ err }, 'Could not purge idempotency keys'));
  }
}
