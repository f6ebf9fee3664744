import { HttpException } from '@nestjs/common';
import { AppError, FieldError } from './app-error';
import { codeForStatus, ErrorCode } from './error-code';

export interface ErrorDescription {
  status: number;
  code: ErrorCode;
  message: string;
  details?: FieldError[];
  headers: Record<string, string>;
  /** True when the error is unexpected and worth a log line with its stack. */
  unexpected: boolean;
}

const INTERNAL_MESSAGE = 'Internal server error.';

/** Maps anything thrown while handling a request to the catalogue, never exposing internals. */
export function describeError(exception: unknown, method = '', url = ''): ErrorDescription {
  if (exception instanceof AppError) {
    return {
      status: exception.status,
      code: exception.code,
      message: exception.message,
      details: exception.details,
      headers: exception.headers,
      unexpected: exception.status >= 500,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    // Nest turns Fastify's own client errors (body parsing, limits) into a plain HttpException.
    const fromFramework = exception.constructor === HttpException;
    const code = fromFramework && status === 400 ? ErrorCode.MALFORMED_BODY : codeForStatus(status);
    let message = messageOf(exception.getResponse()) ?? exception.message;
    if (code === ErrorCode.ROUTE_NOT_FOUND && /^Cannot /.test(message)) {
      message = `Route ${method} ${url.split('?')[0]} not found`;
    }
    if (status >= 500) message = INTERNAL_MESSAGE;
    return { status, code, message, headers: {}, unexpected: status >= 500 };
  }
  return {
    status: 500,
    code: ErrorCode.INTERNAL_ERROR,
    message: INTERNAL_MESSAGE,
    headers: {},
    unexpected: true,
  };
}

function messageOf(response: string | object): string | undefined {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message) && message.every((item) => typeof item === 'string'))
    return message.join('; ');
  return undefined;
}
