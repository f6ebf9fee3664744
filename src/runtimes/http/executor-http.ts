import fastifyMultipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { AllExceptionsFilter } from '../../common';
import { RuncellConfig } from '../../config';
import { renderExecutorError, setExecutorErrorSettings } from './executor-error.renderer';
import { isExecutorUrl } from './executor-url';
import { readMultipartForm } from './multipart-form';
import { deferBodyError } from './executor-params.decorator';
import { parseUrlEncodedForm } from './php-form';

let rendererRegistered = false;

type ParserDone = (error: Error | null, body?: unknown) => void;

/**
 * Makes the HTTP server speak like the PHP executor under `/v1`: body parsing (lenient JSON,
 * PHP-style urlencoded and multipart forms), `Server: Executor` and the error envelope. Other
 * routes keep Fastify's strict JSON and a flat urlencoded form.
 */
export async function registerExecutorHttp(
  app: NestFastifyApplication,
  config: RuncellConfig,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const bodyLimit = config.server.maxBodySize;
  const strictJson = fastify.getDefaultJsonParser('error', 'error');

  app.useBodyParser('application/json', { bodyLimit }, (request, body, done: ParserDone) => {
    if (!isExecutorUrl(request.url)) {
      return strictJson(request as FastifyRequest, body.toString('utf8'), done);
    }
    done(null, parseLenientJson(body));
  });
  app.useBodyParser(
    'application/x-www-form-urlencoded',
    { bodyLimit },
    (request, body, done: ParserDone) => {
      const text = body.toString('utf8');
      done(null, isExecutorUrl(request.url) ? parseUrlEncodedForm(text) : parseFlatForm(text));
    },
  );
  // The multipart parser only marks the request; `/v1` reads the parts here, other routes may
  // use `request.parts()` / `request.file()` themselves.
  await app.register(fastifyMultipart, { limits: { fileSize: bodyLimit } });
  fastify.addHook('preValidation', async (request) => {
    if (!isExecutorUrl(request.url) || !request.isMultipart()) return;
    try {
      request.body = await readMultipartForm(request, bodyLimit);
    } catch (error) {
      // Raised when the parameters are read, after the auth check: 401 wins over 400.
      request.body = {};
      deferBodyError(request, error);
    }
  });

  fastify.addHook('onSend', async (request, reply) => {
    if (isExecutorUrl(request.url)) reply.header('server', 'Executor');
  });

  setExecutorErrorSettings(fastify, { env: config.executor.env, version: config.executor.version });
  if (!rendererRegistered) {
    AllExceptionsFilter.registerRenderer(renderExecutorError);
    rendererRegistered = true;
  }
}

/** Like PHP's `json_decode` into the request params: an empty or invalid body is `{}`. */
function parseLenientJson(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'), (key, value: unknown) =>
      key === '__proto__' || key === 'constructor' ? undefined : value,
    );
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The flat form Nest builds by default: repeated keys become arrays. */
function parseFlatForm(text: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = Object.create(null) as Record<
    string,
    string | string[]
  >;
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = form[key];
    if (existing === undefined) form[key] = value;
    else form[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return form;
}
