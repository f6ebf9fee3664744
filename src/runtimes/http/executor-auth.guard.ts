import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { EXECUTOR_AUTH } from '../../common';
import { InjectConfig, RuncellConfig } from '../../config';
import { ExecutorError, ExecutorErrorType } from './executor-error';

/**
 * The executor secret check of every `@ExecutorAuth()` route. It runs before parameter parsing,
 * so 401 wins over 400. The scheme word is not checked (`Bearer x` and `Foo x` both work).
 */
@Injectable()
export class ExecutorAuthGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(
    @InjectConfig() config: RuncellConfig,
    private readonly reflector: Reflector,
  ) {
    this.expected = config.executor.secret === '' ? undefined : digest(config.executor.secret);
  }

  canActivate(context: ExecutionContext): boolean {
    const protectedRoute = this.reflector.getAllAndOverride<boolean>(EXECUTOR_AUTH, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!protectedRoute) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = executorToken(request.headers.authorization);
    if (this.expected && token !== '' && token !== '0') {
      if (timingSafeEqual(digest(token), this.expected)) return true;
    }
    throw new ExecutorError(ExecutorErrorType.GENERAL_UNAUTHORIZED, 'Missing executor key');
  }
}

/** The second token of the header split on single spaces, as the PHP executor reads it. */
export function executorToken(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(' ')[1] ?? '';
}

/** Equal-length values for `timingSafeEqual`, whatever the token's length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
