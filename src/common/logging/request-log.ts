import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { Store, storage } from 'nestjs-pino/storage';
import {
  pino,
  stdSerializers,
  type DestinationStream,
  type Logger,
  type LoggerOptions,
} from 'pino';
import { CENSOR } from './redaction';

type RawRequest = IncomingMessage & { id?: string };

/**
 * The logger of the request lines. Their shape is fixed (`req` {id, method, url}, `requestId`,
 * `res` {statusCode, headers}, `responseTime`) and built here with its one secret (a response's
 * `set-cookie`) censored, so neither pino's redaction paths nor the application logger's deep
 * walk run on it.
 */
export function createRequestLogger(
  options: Pick<LoggerOptions, 'level' | 'transport'>,
  stream: DestinationStream | undefined,
): Logger {
  const loggerOptions: LoggerOptions = { ...options, serializers: { err: stdSerializers.err } };
  return stream ? pino(loggerOptions, stream) : pino(loggerOptions);
}

/** What pino's response serializer gives (no status before the head was sent), cookies censored. */
export function responseForLog(response: ServerResponse): {
  statusCode: number | null;
  headers: OutgoingHttpHeaders;
} {
  const headers = response.getHeaders();
  if (headers['set-cookie'] !== undefined) headers['set-cookie'] = CENSOR;
  return { statusCode: response.headersSent ? response.statusCode : null, headers };
}

/**
 * One line per request when its response is done or its connection closed (what pino-http
 * wrote), built without a child logger per request. Code that logs while a request is handled
 * still gets the request's `req` and `requestId`: that child logger is made on first use only.
 */
export function registerRequestLog(fastify: FastifyInstance, requestLogger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw as RawRequest;
    logWhenClosed(requestLogger, raw, reply.raw, Date.now());
    storage.run(lazyRequestStore(raw), done);
  });
}

function logWhenClosed(
  logger: Logger,
  raw: RawRequest,
  response: ServerResponse,
  startedAt: number,
): void {
  response.once('close', () => {
    const line = {
      req: { id: raw.id, method: raw.method, url: raw.url },
      requestId: raw.id,
      res: responseForLog(response),
      responseTime: Date.now() - startedAt,
    };
    if (response.statusCode >= 500) {
      const err = new Error(`failed with status code ${response.statusCode}`);
      logger.error({ ...line, err }, 'request errored');
    } else {
      logger.info(line, 'request completed');
    }
  });
}

/** The request-scoped logger nestjs-pino's `PinoLogger` reads, created when first read. */
function lazyRequestStore(raw: RawRequest): Store {
  let child: Logger | undefined;
  return {
    get logger(): Logger {
      child ??= (PinoLogger.root as Logger).child({ req: raw, requestId: raw.id });
      return child;
    },
    set logger(logger: Logger) {
      child = logger;
    },
    responseLogger: undefined,
  };
}
