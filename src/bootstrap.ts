import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions } from './app.module';
import { requestIdFor } from './common/request-id';
import { EchoValidationPipe } from './common/validation.pipe';
import { validateEnv } from './config/env.validation';
import type { IncomingMessage } from 'node:http';

/**
 * Builds the configured application, shared by `main.ts` and the e2e tests so that tests run
 * exactly what production runs: Fastify, the global pipe, prefix, error shape and Swagger.
 */
export async function createApp(options: AppOptions): Promise<NestFastifyApplication> {
  const env = validateEnv(process.env);
  const adapter = new FastifyAdapter({
    bodyLimit: env.BODY_LIMIT_BYTES,
    genReqId: (req: IncomingMessage) => requestIdFor(req),
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(options),
    adapter,
    // rawBody: Stripe signatures are computed over the exact bytes received.
    { bufferLogs: true, rawBody: true },
  );
  app.useLogger(app.get(Logger));

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('x-request-id', request.id);
  });
  if (env.API_PREFIX) app.setGlobalPrefix(env.API_PREFIX);
  app.useGlobalPipes(new EchoValidationPipe());

  if (env.SWAGGER_ENABLED === 'true') {
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
    const document = SwaggerModule.createDocument(app, config);
    SwaggerModule.setup('docs', app, document, {
      useGlobalPrefix: true,
      jsonDocumentUrl: 'docs-json',
      swaggerOptions: { persistAuthorization: true },
    });
  }
  return app;
}
