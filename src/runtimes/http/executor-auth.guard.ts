import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { EXECUTOR_AUTH } from '../../common';
import { InjectConfig, RuncellConfig } from '../../config';
import { ExecutorError, ExecutorErrorType } from './executor-error';
import { secretAcceptedByHook } from './executor-auth.hook';
import { ExecutorSecret } from './executor-secret';

/**
 * The executor secret check of every `@ExecutorAuth()` route, behind the request hook that
 * already checked it before the body was read (see `executor-auth.hook.ts`): a request that hook
 * accepted is not hashed again; any other is checked here.
 */
@Injectable()
export class ExecutorAuthGuard implements CanActivate {
  private readonly secret: ExecutorSecret;

  constructor(
    @InjectConfig() config: RuncellConfig,
    private readonly reflector: Reflector,
  ) {
    this.secret = new ExecutorSecret(config.executor.secret);
  }

  canActivate(context: ExecutionContext): boolean {
    const protectedRoute = this.reflector.getAllAndOverride<boolean>(EXECUTOR_AUTH, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!protectedRoute) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (secretAcceptedByHook(request) || this.secret.accepts(request.headers.authorization)) {
      return true;
    }
    throw new ExecutorError(ExecutorErrorType.GENERAL_UNAUTHORIZED, 'Missing executor key');
  }
}
