import { HttpException, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InjectConfig, RuncellConfig } from '../../config';
import { ExecutorError, ExecutorErrorType } from './executor-error';
import { isExecutorUrl } from './executor-url';

export interface ExecutorErrorSettings {
  /** `development` shows generic errors as they are; `production` masks 5xx ones. */
  env: 'development' | 'production';
  version: string;
}

export interface ExecutorErrorBody {
  type: string;
  message: string;
  code: number;
  version: string;
}

const MASKED_MESSAGE = 'Internal server error.';

/** Maps anything thrown under `/v1` to the OpenRuntimes envelope. */
export function describeExecutorError(
  exception: unknown,
  settings: ExecutorErrorSettings,
): { status: number; body: ExecutorErrorBody; unexpected: boolean } {
  let type: string = ExecutorErrorType.GENERAL_UNKNOWN;
  let status = 500;
  let message = exception instanceof Error ? exception.message : MASKED_MESSAGE;
  let unexpected = true;
  if (exception instanceof ExecutorError) {
    type = exception.type;
    status = exception.status;
    unexpected = exception.type === ExecutorErrorType.GENERAL_UNKNOWN && status >= 500;
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    unexpected = status >= 500;
    if (status === 404 && /^Cannot /.test(exception.message)) message = 'Not Found';
  } else if (isClientError(exception)) {
    // A body-parsing error from Fastify or one of its plugins, raised by the route itself.
    status = exception.statusCode;
    unexpected = false;
  }
  if (unexpected && settings.env === 'production') message = MASKED_MESSAGE;
  return { status, body: { type, message, code: status, version: settings.version }, unexpected };
}

/** Renders errors of `/v1` URLs in the OpenRuntimes envelope, with this executor's settings. */
@Injectable()
export class ExecutorErrorRenderer {
  private readonly logger = new Logger('ExecutorErrors');
  private readonly settings: ExecutorErrorSettings;

  constructor(@InjectConfig() config: RuncellConfig) {
    this.settings = { env: config.executor.env, version: config.executor.version };
  }

  /** An `AllExceptionsFilter` renderer: true when it answered (a `/v1` URL). */
  readonly render = (request: FastifyRequest, reply: FastifyReply, exception: unknown): boolean => {
    if (!isExecutorUrl(request.url)) return false;
    const { status, body, unexpected } = describeExecutorError(exception, this.settings);
    if (unexpected) this.logger.error({ err: exception, requestId: request.id }, 'Executor error');
    void reply
      .status(status)
      .header('content-type', 'application/json; charset=UTF-8')
      .header('cache-control', 'no-cache, no-store, must-revalidate')
      .header('expires', '0')
      .header('pragma', 'no-cache')
      .send(JSON.stringify(body));
    return true;
  };
}

function isClientError(error: unknown): error is Error & { statusCode: number } {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}
