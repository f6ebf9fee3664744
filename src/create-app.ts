import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLoggerInstance } from 'pino';
import { AppModule, AppOptions } from './app.module';
import { createValidationPipe, generateRequestId, REQUEST_ID_HEADER } from './common';
import { REQUEST_LOGGER } from './common/logging/logging.module';
import { registerRequestLog } from './common/logging/request-log';
import { buildOpenApiDocument } from './common/openapi/openapi-document';
import { RuncellConfig } from './config';
import { registerExecutorHttp } from './runtimes/http/executor-http';

/** Builds the configured application without listening, for `main.ts` and for tests. */
export async function createApp(
  config: RuncellConfig,
  options: AppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.server.maxBodySize,
    trustProxy: config.server.trustProxy,
    genReqId: generateRequestId,
    logger: false,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options),
    adapter,
    {
      bufferLogs: true,
      abortOnError: false,
    },
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();

  // First, so that requests answered by an earlier hook (the executor secret check) are logged.
  registerRequestLog(
    app.getHttpAdapter().getInstance(),
    app.get<PinoLoggerInstance>(REQUEST_LOGGER),
  );
  await registerExecutorHttp(app, config);
  app.useGlobalPipes(createValidationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done(null, payload);
  });

  if (config.server.swaggerEnabled) setUpSwagger(app, config);
  app.enableShutdownHooks();
  return app;
}

function setUpSwagger(app: NestFastifyApplication, config: RuncellConfig): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, config.version), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}
