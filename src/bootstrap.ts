import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type SchemaObject,
} from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions } from './app.module';
import { clientErrorHandler, toErrorBody } from './common/errors/all-exceptions.filter';
import { errorResponseObject } from './common/errors/api-errors.decorator';
import { CommonErrors, errorCatalogue } from './common/errors/domain-error';
import { IDEMPOTENCY_KEY_HEADER } from './common/idempotency/idempotent.decorator';
import { requestIdFor } from './common/request-id';
import { logRequests } from './common/request-log';
import { securityHeaders } from './common/security-headers';
import { EchoValidationPipe } from './common/validation.pipe';
import {
  corsOrigins,
  docsEnabled,
  trustProxy,
  validateEnv,
  type EnvironmentVariables,
} from './config/env.validation';
import type { IncomingMessage, Server } from 'node:http';

/**
 * Builds the configured application, shared by `main.ts` and the e2e tests so that tests run
 * exactly what production runs: Fastify, the global pipe, prefix, error shape and Swagger.
 */
export async function createApp(
  options: Omit<AppOptions, 'env'> & { env?: EnvironmentVariables },
): Promise<NestFastifyApplication> {
  // Validated once per boot: by main.ts, which passes it, or here for tests and scripts.
  const env = options.env ?? validateEnv(process.env);
  const headers = securityHeaders({
    // Swagger UI runs inline scripts and styles; everything else is JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  const adapter = new FastifyAdapter({
    bodyLimit: env.BODY_LIMIT_BYTES,
    genReqId: (req: IncomingMessage) => requestIdFor(req),
    return503OnClosing: true,
    clientErrorHandler,
    // request.ip (rate limits, logs) reads X-Forwarded-For only from these peers (TRUST_PROXY).
    trustProxy: trustProxy(env),
    // Errors Fastify meets before any route or hook runs (a malformed %-escape in the path):
    // the one error body, with the request id and the security headers, like every answer.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const answer = toErrorBody(
        error.code === 'FST_ERR_BAD_URL'
          ? CommonErrors.BAD_REQUEST(
              "The URL is not valid: a '%' in it must start an escape such as %20.",
            )
          : error,
        request.id,
      );
      void reply.status(answer.statusCode).headers(headers).header('x-request-id', request.id);
      void reply.send(answer);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ ...options, env }),
    adapter,
    // rawBody: Stripe signatures are computed over the exact bytes received.
    { bufferLogs: true, rawBody: true },
  );
  app.useLogger(app.get(Logger));

  const fastify = app.getHttpAdapter().getInstance();
  // Browser clients send `Content-Type: application/json` on every call, with or without a body
  // (CONTRACT "General"). An empty body is therefore a request without one, not a JSON syntax
  // error; routes that need a body say so in EchoValidationPipe. Registering this parser also
  // keeps Nest from adding its form parser: the API reads JSON only, and anything else is 415.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<Server>(
    'application/json',
    { bodyLimit: env.BODY_LIMIT_BYTES },
    (request, body: Buffer, done) =>
      body.length === 0 ? done(null, undefined) : parseJson(request, body.toString('utf8'), done),
  );
  logRequests(fastify);
  // Set first thing, so every answer has them: errors, 404s and refusals included.
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    void reply.headers(headers).header('x-request-id', request.id);
    done();
  });
  const origins = corsOrigins(env);
  if (origins.length) {
    app.enableCors({
      origin: origins,
      exposedHeaders: ['X-Next-Cursor', 'Link', 'X-Request-Id', 'Retry-After'],
      maxAge: 600,
    });
  }
  if (env.API_PREFIX) app.setGlobalPrefix(env.API_PREFIX);
  app.useGlobalPipes(new EchoValidationPipe());

  if (docsEnabled(env)) {
    SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
      useGlobalPrefix: true,
      jsonDocumentUrl: 'docs-json',
      swaggerOptions: { persistAuthorization: true },
    });
  }
  return app;
}

/**
 * The OpenAPI document of the app: served at /docs-json, written to openapi.json by
 * `npm run openapi`, and compared with that file by a test so the two never drift.
 */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('ECHO API')
    .setDescription(
      'Marketplace for the creative sector: listings, orders and their messages, reviews, ' +
        'disputes, payments, and reviews of venues and events. Authenticate with ' +
        '`POST /users/login`, then send `Authorization: Bearer <token>`. Errors have the ' +
        'shape `{statusCode, error, message, requestId}`. Lists are JSON arrays paginated ' +
        'by `?limit=` and `?cursor=`; the next page is announced in `X-Next-Cursor` and `Link`.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return documentErrorCodes(
    documentSharedResponses(
      SwaggerModule.createDocument(app, config, {
        // Stable, readable ids for generated clients: OrdersController.changeStatus → orders_changeStatus.
        operationIdFactory: (controller, method) =>
          `${controller.replace(/Controller$/, '').replace(/^./, (c) => c.toLowerCase())}_${method}`,
      }),
    ),
  );
}

/** Every error code the features declare, with its status and meaning (the catalogue). */
function documentErrorCodes(document: OpenAPIObject): OpenAPIObject {
  const schema = document.components?.schemas?.ErrorResponseDto as SchemaObject | undefined;
  const code = schema?.properties?.code as SchemaObject | undefined;
  if (!schema || !code) return document;
  const catalogue = errorCatalogue();
  code.enum = catalogue.map(([name]) => name);
  schema.description =
    'The one error body. `code` names the failure; the codes, their status and meaning:\n\n' +
    '| code | status | meaning |\n| --- | --- | --- |\n' +
    catalogue.map(([name, d]) => `| \`${name}\` | ${d.status} | ${d.meaning} |`).join('\n');
  return document;
}

/** Methods whose request body Fastify reads, so that 400, 413 and 415 can answer any of them. */
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/**
 * Responses that come from the platform rather than from one route, added to every operation
 * they can answer, so that a client generated from the document expects every status it can get:
 * - 500 and 503 on every route (a fault of the server's; the database is unreachable, or the
 *   server is shutting down);
 * - 400, 413 and 415 wherever a body is read (malformed JSON, too large, not JSON);
 * - wherever @Idempotent() documents the Idempotency-Key (every authenticated POST): 409 while
 *   the first request with that key is running and 422 when it is reused.
 */
function documentSharedResponses(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(path) as [string, OperationObject][]) {
      if (!operation?.responses) continue;
      const shared = [500, 503];
      if (BODY_METHODS.has(method)) shared.push(400, 413, 415);
      if (
        operation.parameters?.some(
          (p) => 'in' in p && p.in === 'header' && p.name === IDEMPOTENCY_KEY_HEADER,
        )
      ) {
        shared.push(409, 422);
      }
      for (const status of shared) {
        operation.responses[status] = {
          ...errorResponseObject(status),
          ...(operation.responses[status] as object | undefined),
        };
      }
      operation.responses = sortedByStatus(operation.responses);
    }
  }
  return document;
}

const sortedByStatus = <T>(responses: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
