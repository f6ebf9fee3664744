import fastifyMultipart from '@fastify/multipart';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getStorageToken, type ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { RuncellConfig } from '../../config';
import { RuntimeNetworks } from '../containers/runtime-networks.service';
import { addApiBodyRules, unsupportedMediaType } from './api-body.hook';
import { ExecutorAuthFailures } from './executor-auth-failures';
import { addExecutorAuthHook } from './executor-auth.hook';
import { ExecutorErrorRenderer } from './executor-error.renderer';
import { ExecutorSecret, MIN_EXECUTOR_SECRET_BYTES } from './executor-secret';
import { isExecutorUrl } from './executor-url';
import { parseLenientJson } from './lenient-json';
import { readMultipartForm } from './multipart-form';
import { deferBodyError } from './executor-params.decorator';
import { parseUrlEncodedForm } from './php-form';
import { RuntimeNetworkFirewall } from './runtime-network-firewall';

type ParserDone = (error: Error | null, body?: unknown) => void;

/**
 * Sets up the HTTP server for both faces: connections from runtime containers refused on every
 * route; under `/v1` the PHP executor's ways (the secret checked before the body is read, lenient
 * JSON and PHP-style urlencoded and multipart forms, all linear and bounded, `Server: Executor`,
 * the error envelope); everywhere else strict JSON only, up to its own body limit.
 */
export async function registerExecutorHttp(
  app: NestFastifyApplication,
  config: RuncellConfig,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const bodyLimit = config.server.maxBodySize;
  const strictJson = fastify.getDefaultJsonParser('error', 'error');
  new RuntimeNetworkFirewall(app.get(RuntimeNetworks)).guard(fastify.server);
  warnAboutShortSecret(config);
  addExecutorAuthHook(
    fastify,
    new ExecutorSecret(config.executor.secret),
    new ExecutorAuthFailures(
      config.auth.rateLimitsEnabled ? app.get<ThrottlerStorage>(getStorageToken()) : undefined,
      config.executor.authFailureLimit,
      config.redis.queuePrefix,
    ),
    app.get(ExecutorErrorRenderer),
  );
  addApiBodyRules(fastify, config);

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
      // An unknown route answers 404 whatever its body.
      if (request.routeOptions.url === undefined) return done(null, {});
      if (!isExecutorUrl(request.url)) return done(unsupportedMediaType());
      try {
        done(null, parseUrlEncodedForm(body.toString('utf8')));
      } catch (error) {
        done(error as Error);
      }
    },
  );
  // The multipart parser only marks the request; `/v1` reads the parts here, after the secret
  // check. Other routes refuse multipart bodies (`addApiBodyRules`).
  await app.register(fastifyMultipart, { limits: { fileSize: bodyLimit } });
  // Callback style: every request passes this hook, and only `/v1` multipart ones wait in it.
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (!isExecutorUrl(request.url) || !request.isMultipart()) return done();
    if (request.routeOptions.url === undefined) return done();
    readMultipartForm(request, bodyLimit).then(
      (form) => {
        request.body = form;
        done();
      },
      (error: unknown) => {
        // Raised when the parameters are read, after the auth check: 401 wins over 400.
        request.body = {};
        deferBodyError(request, error);
        done();
      },
    );
  });

  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (isExecutorUrl(request.url)) reply.header('server', 'Executor');
    done(null, payload);
  });
}

/** A short secret is guessable despite the rate limit on failed authentications. */
function warnAboutShortSecret(config: RuncellConfig): void {
  const length = Buffer.byteLength(config.executor.secret);
  if (config.nodeEnv !== 'production' || length === 0 || length >= MIN_EXECUTOR_SECRET_BYTES) {
    return;
  }
  new Logger('ExecutorAuth').warn(
    `The executor secret (URT_SECRET / OPR_EXECUTOR_SECRET) is ${length} bytes long; use at least ${MIN_EXECUTOR_SECRET_BYTES} random bytes`,
  );
}
