import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeError, errorBody } from '../errors';

export type ErrorRenderer = (
  request: FastifyRequest,
  reply: FastifyReply,
  exception: unknown,
) => boolean;

/**
 * The one global filter. Routes under a prefix that speaks another error dialect (the `/v1`
 * OpenRuntimes API) are rendered by the renderers it is built with (the first that answers
 * true wins); everything else gets the catalogue body.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly renderers: readonly ErrorRenderer[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.render(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception);
  }

  render(request: FastifyRequest, reply: FastifyReply, exception: unknown): void {
    if (reply.sent) return;
    for (const renderer of this.renderers) {
      if (renderer(request, reply, exception)) return;
    }
    const described = describeError(exception, request.method, request.url);
    if (described.unexpected) {
      this.logger.error({ err: exception, requestId: request.id }, 'Unhandled error');
    }
    void reply
      .status(described.status)
      .headers(described.headers)
      .header('content-type', 'application/json; charset=utf-8')
      .send(errorBody(described.code, described.message, request.id, described.details));
  }
}
