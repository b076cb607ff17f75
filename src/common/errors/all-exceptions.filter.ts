import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  QueryRunnerProviderAlreadyReleasedError,
} from 'typeorm';
import { TooManyRequestsException } from '../rate-limit/rate-limit.guard';
import { CODE_FOR_STATUS, DomainError, type CommonErrors } from './domain-error';

type ErrorCode = keyof typeof CommonErrors;

interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string | string[];
  requestId: string;
}

/** Errors raised by Fastify itself (body parsing, size limit) carry a code and a 4xx status. */
interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/** Our code and sentence for each of Fastify's own request errors, which name its internals. */
const FASTIFY_ERRORS: Partial<Record<keyof typeof errorCodes, [ErrorCode, string]>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['BODY_TOO_LARGE', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'UNSUPPORTED_MEDIA_TYPE',
    'Send the request body as JSON (Content-Type: application/json).',
  ],
  FST_ERR_CTP_INVALID_JSON_BODY: ['INVALID_JSON', 'The request body is not valid JSON.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    'BAD_REQUEST',
    'The Content-Length header does not match the body.',
  ],
};

/**
 * Nest turns a Fastify error into an HttpException carrying only Fastify's message (its
 * RoutesResolver), so the code and sentence are found again by that message.
 */
const BY_FASTIFY_MESSAGE = new Map(
  Object.entries(FASTIFY_ERRORS).map(([code, ours]) => [
    new errorCodes[code as keyof typeof errorCodes]().message,
    ours,
  ]),
);

const body = (
  statusCode: number,
  code: string,
  message: string | string[],
  requestId: string,
): ErrorBody => ({
  statusCode,
  error: STATUS_CODES[statusCode] ?? 'Error',
  code,
  message,
  requestId,
});

/**
 * Input the validators should have refused but PostgreSQL did (a value out of a column's range,
 * text it cannot store). Still the client's input, so a 400, never a 500; the detail, which
 * could name tables or values, is not passed on.
 */
function pgDataErrorMessage(exception: unknown): string | undefined {
  if (!(exception instanceof QueryFailedError)) return undefined;
  const code = (exception.driverError as { code?: string }).code ?? '';
  if (code === '23514' || code.startsWith('22')) {
    return 'A value in the request is out of range or not storable; check the field limits in the API docs.';
  }
  return undefined;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * The database went away (connection refused or cut, server shutting down, pool exhausted for
 * too long). The request did not complete, so 503 tells the client to retry, rather than 500.
 */
function isDatabaseUnavailable(exception: unknown): boolean {
  // The connection of a transaction died between two of its statements: TypeORM released it
  // on the connection's error, and the next statement finds it gone. Nothing was committed.
  if (
    exception instanceof QueryRunnerAlreadyReleasedError ||
    exception instanceof QueryRunnerProviderAlreadyReleasedError
  ) {
    return true;
  }
  const err = (exception instanceof QueryFailedError ? exception.driverError : exception) as {
    code?: string;
    message?: string;
    severity?: string;
  } | null;
  if (!err || typeof err !== 'object') return false;
  const code = err.code ?? '';
  const message = err.message ?? '';
  return (
    CONNECTION_CODES.has(code) ||
    // PostgreSQL ends the session on a FATAL error: every one refuses or ends a connection,
    // e.g. 55000 "database is not currently accepting connections", 53300 "too many clients".
    err.severity === 'FATAL' ||
    err.severity === 'PANIC' ||
    code.startsWith('08') || // connection exception
    code === '53300' || // too many connections
    code === '57P01' || // terminated by administrator
    code === '57P02' || // crash shutdown
    code === '57P03' || // cannot connect now
    code === '57014' || // cancelled: ran past DB_STATEMENT_TIMEOUT_MS, the database is overloaded
    // pg's own words for a connection it lost, could not open in time, or stopped waiting on
    // (query_timeout: the database went silent).
    /Connection terminated|timeout exceeded when trying to connect|is not queryable|Query read timeout/i.test(
      message,
    )
  );
}

/**
 * The connection failed while its COMMIT was on the way: the server may have committed without
 * the answer reaching us, so the write may or may not have been saved.
 */
const commitOutcomeUnknown = (exception: unknown): boolean =>
  exception instanceof QueryFailedError && /^\s*COMMIT\b/i.test(exception.query);

export function requestIdOf(request: FastifyRequest): string {
  return String(request.id ?? '');
}

/**
 * Turns every error into the documented body `{statusCode, error, code, message, requestId}`.
 * Domain errors carry their code; any other HttpException gets the code of its status (a
 * validation failure VALIDATION_FAILED); anything unexpected is logged with its stack and
 * answered with a generic 500 that leaks no stack trace, SQL or driver message.
 */
export function toErrorBody(exception: unknown, requestId: string): ErrorBody {
  if (exception instanceof DomainError) {
    return body(exception.status, exception.code, exception.message, requestId);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    let message: string | string[] = exception.message;
    if (typeof response === 'string') message = response;
    else if (response && typeof response === 'object' && 'message' in response) {
      message = (response as { message: string | string[] }).message;
    }
    const fastify = typeof message === 'string' ? BY_FASTIFY_MESSAGE.get(message) : undefined;
    if (fastify) return body(status, fastify[0], fastify[1], requestId);
    // The validation pipe's list of field errors.
    const code = Array.isArray(message)
      ? 'VALIDATION_FAILED'
      : (CODE_FOR_STATUS[status] ?? 'BAD_REQUEST');
    return body(status, code, message, requestId);
  }
  const fastifyError = exception as FastifyLikeError;
  if (
    typeof fastifyError?.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    const status = fastifyError.statusCode;
    const known = FASTIFY_ERRORS[fastifyError.code as keyof typeof errorCodes];
    if (known) return body(status, known[0], known[1], requestId);
    // JSON.parse's own error (secure-json-parse refusing __proto__ too), marked 400 by Fastify.
    if (exception instanceof SyntaxError && status === 400) {
      return body(400, 'INVALID_JSON', 'The request body is not valid JSON.', requestId);
    }
    return body(
      status,
      CODE_FOR_STATUS[status] ?? 'BAD_REQUEST',
      'The request could not be read.',
      requestId,
    );
  }
  if (isDatabaseUnavailable(exception)) {
    return body(
      HttpStatus.SERVICE_UNAVAILABLE,
      'SERVICE_UNAVAILABLE',
      commitOutcomeUnknown(exception)
        ? 'The database stopped answering while saving; the change may have been saved. ' +
            'Retry with the same Idempotency-Key, which replays it if it was.'
        : 'The database is unavailable right now; nothing was saved. Retry in a few seconds.',
      requestId,
    );
  }
  const dataError = pgDataErrorMessage(exception);
  if (dataError) return body(400, 'VALIDATION_FAILED', dataError, requestId);
  return body(
    HttpStatus.INTERNAL_SERVER_ERROR,
    'INTERNAL_ERROR',
    'Something went wrong on our side. Quote the requestId if you report it.',
    requestId,
  );
}

const CLIENT_ERROR_MESSAGES: Record<number, string> = {
  400: 'The request could not be read as HTTP.',
  408: 'The request took too long to arrive.',
  431: 'The URL or the headers are too large; shorten the query string or the headers.',
};

/**
 * Errors Node's HTTP parser raises before a request exists (a URL or headers over the size
 * limit, a malformed request line). Fastify answers those itself, without a requestId; this
 * answers them with the one error body instead (Fastify's `clientErrorHandler` option).
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const requestId = randomUUID();
  const answer = body(status, CODE_FOR_STATUS[status], CLIENT_ERROR_MESSAGES[status], requestId);
  const text = JSON.stringify(answer);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${answer.error}\r\nConnection: close\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
        `X-Request-Id: ${requestId}\r\n\r\n${text}`,
    );
  }
  socket.destroy(err);
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    let answer = toErrorBody(exception, requestIdOf(request));
    // Nest answers a path no route matches with a NotFoundException of its own.
    if (answer.code === 'NOT_FOUND' && !request.routeOptions?.url) {
      answer = { ...answer, code: 'ROUTE_NOT_FOUND' };
    }
    if (answer.statusCode >= 500) {
      this.logger.error(
        { err: exception, requestId: answer.requestId, url: request.url },
        'Unhandled error',
      );
    } else if (exception instanceof QueryFailedError) {
      // A 400 that only the database caught points at a validation gap worth closing.
      this.logger.warn(
        { err: exception, requestId: answer.requestId },
        'Input refused by the database',
      );
    }
    if (reply.sent) return;
    if (exception instanceof TooManyRequestsException) {
      void reply.header('Retry-After', String(exception.retryAfter));
    }
    void reply.status(answer.statusCode).header('content-type', 'application/json').send(answer);
  }
}
