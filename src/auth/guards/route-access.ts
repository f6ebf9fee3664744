import type { ExecutionContext, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { EXECUTOR_AUTH, IS_PUBLIC } from '../../common';

/** Who may call a route: anyone, the executor-secret holder (`/v1`), or a signed-in user. */
export type RouteAccess = 'public' | 'executor' | 'user';

type Handler = ReturnType<ExecutionContext['getHandler']>;

/**
 * `decide` remembered per route (handler and controller: an inherited handler can serve two
 * controllers). Route metadata is fixed once the classes are declared, and guards ask on every
 * request.
 */
export function perRoute<T>(
  decide: (handler: Handler, controller: Type<unknown>) => T,
): (handler: Handler, controller: Type<unknown>) => T {
  const decided = new WeakMap<Handler, Map<Type<unknown>, T>>();
  return (handler, controller) => {
    let byController = decided.get(handler);
    if (byController?.has(controller)) return byController.get(controller) as T;
    const value = decide(handler, controller);
    if (!byController) decided.set(handler, (byController = new Map<Type<unknown>, T>()));
    byController.set(controller, value);
    return value;
  };
}

const reflector = new Reflector();

/**
 * How a route is authenticated. Anything not explicitly public or an executor route is a user
 * route, so a route someone forgot to mark is protected rather than open.
 */
export const routeAccess = perRoute((handler, controller): RouteAccess => {
  if (reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]) === true) {
    return 'public';
  }
  const executor = reflector.getAllAndOverride<boolean>(EXECUTOR_AUTH, [handler, controller]);
  if (executor === true && isExecutorController(controller)) return 'executor';
  return 'user';
});

function isExecutorController(controller: Type<unknown>): boolean {
  const declared = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
  const paths = Array.isArray(declared) ? declared : [declared ?? ''];
  return paths.every((path) => /^\/?v1(\/|$)/.test(path));
}
