import type { ExecutionContext, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { EXECUTOR_AUTH, IS_PUBLIC } from '../../common';

/** Who may call a route: anyone, the executor-secret holder (`/v1`), or a signed-in user. */
export type RouteAccess = 'public' | 'executor' | 'user';

/**
 * Decides how a route is authenticated. Anything not explicitly public or an executor route is a
 * user route, so a route someone forgot to mark is protected rather than open.
 */
export function routeAccess(
  reflector: Reflector,
  handler: ReturnType<ExecutionContext['getHandler']>,
  controller: Type<unknown>,
): RouteAccess {
  if (reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]) === true) {
    return 'public';
  }
  const executor = reflector.getAllAndOverride<boolean>(EXECUTOR_AUTH, [handler, controller]);
  if (executor === true && isExecutorController(controller)) return 'executor';
  return 'user';
}

function isExecutorController(controller: Type<unknown>): boolean {
  const declared = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
  const paths = Array.isArray(declared) ? declared : [declared ?? ''];
  return paths.every((path) => /^\/?v1(\/|$)/.test(path));
}
