import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';

/** One line's worth of a request: what the access log has always shown. */
const entry = (request: FastifyRequest, statusCode: number | null) => ({
  // ip: the client's address as Fastify resolved it, so X-Forwarded-For counts only from
  // TRUST_PROXY (the address the rate limits use too).
  req: { id: request.id, method: request.method, url: request.url, ip: request.ip },
  res: { statusCode },
});

const accessLogs = new WeakMap<Logger, Logger>();

/**
 * The application's logger for access lines. Its `req` and `res` are written as given: the
 * root logger was built by pino-http, whose serializers expect raw Node objects.
 */
function accessLog(): Logger {
  const root = PinoLogger.root;
  let log = accessLogs.get(root);
  if (!log) {
    const asGiven = (value: unknown) => value;
    log = root.child({}, { serializers: { req: asGiven, res: asGiven } });
    accessLogs.set(root, log);
  }
  return log;
}

/**
 * The access log: one line per request when its answer is sent (info; warn for a 4xx, error
 * for a 5xx), and one for a request the client gave up on. Written from Fastify's hooks with
 * the application's pino logger, rather than by pino-http as Nest middleware, which put every
 * request through Nest's middleware bridge and built a child logger for each.
 */
export function logRequests(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    const log = accessLog();
    if (log.isLevelEnabled(level)) {
      log[level](
        { ...entry(request, status), responseTime: Math.round(reply.elapsedTime) },
        'request completed',
      );
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request: FastifyRequest, done) => {
    const log = accessLog();
    if (log.isLevelEnabled('info')) {
      log.info(entry(request, null), 'request aborted');
    }
    done();
  });
}
