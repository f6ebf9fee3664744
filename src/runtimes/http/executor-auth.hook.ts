import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ExecutorError, ExecutorErrorType } from './executor-error';
import { ExecutorErrorRenderer } from './executor-error.renderer';
import { ExecutorAuthFailures } from './executor-auth-failures';
import { ExecutorSecret } from './executor-secret';
import { isExecutorUrl } from './executor-url';

/** `/v1` routes anyone may call; every other matched `/v1` route needs the secret. */
const PUBLIC_EXECUTOR_ROUTES = new Set(['/v1/health']);
/** Requests whose secret this hook accepted; the route guard need not hash it again. */
const acceptedRequests = new WeakSet<FastifyRequest>();

export function secretAcceptedByHook(request: FastifyRequest): boolean {
  return acceptedRequests.has(request);
}

/**
 * Checks the executor secret when a `/v1` request arrives, before its body is read or parsed,
 * so an unauthenticated caller costs one hash. Unknown routes stay 404 (the router answers
 * before any auth check, as upstream). Failed checks count towards the per-address limit.
 */
export function addExecutorAuthHook(
  fastify: FastifyInstance,
  secret: ExecutorSecret,
  failures: ExecutorAuthFailures,
  errors: ExecutorErrorRenderer,
): void {
  const refuse = async (request: FastifyRequest, reply: FastifyReply, blockedFor: number) => {
    const verdict =
      blockedFor > 0
        ? { limited: true, retryAfter: blockedFor }
        : await failures.record(request.ip);
    if (verdict.limited) {
      reply.header('retry-after', String(verdict.retryAfter));
      errors.render(
        request,
        reply,
        ExecutorError.generic(
          `Too many failed authentications; retry in ${verdict.retryAfter} seconds.`,
          429,
        ),
      );
    } else {
      errors.render(
        request,
        reply,
        new ExecutorError(ExecutorErrorType.GENERAL_UNAUTHORIZED, 'Missing executor key'),
      );
    }
  };
  // Callback style: every request passes this hook, and all but a refused `/v1` one go on at
  // once, without a promise of their own.
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    if (!isExecutorUrl(request.url)) return done();
    const route = request.routeOptions.url;
    if (route === undefined || PUBLIC_EXECUTOR_ROUTES.has(route)) return done();
    const blockedFor = failures.blockedFor(request.ip);
    if (blockedFor === 0 && secret.accepts(request.headers.authorization)) {
      acceptedRequests.add(request);
      return done();
    }
    // The refusal is the reply: `done` is not called, so the route never runs.
    refuse(request, reply, blockedFor).catch((error: Error) => done(error));
  });
}
