import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
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
 * wrote), built without a child logger per request. Lines logged while a request is handled do
 * not carry the request: nestjs-pino's request-scoped logger needs an AsyncLocalStorage, whose
 * promise hooks slow down every promise in the process (about 15 % of the CPU of a
 * `GET /api/v1/tasks`); the error lines name their request id themselves.
 */
export function registerRequestLog(fastify: FastifyInstance, requestLogger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    logWhenClosed(requestLogger, request.raw as RawRequest, reply.raw, Date.now());
    done();
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
