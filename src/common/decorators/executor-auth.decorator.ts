import { SetMetadata } from '@nestjs/common';

export const EXECUTOR_AUTH = 'runcell:executor-auth';

/**
 * Marks a `/v1` controller or route as authenticated by the executor secret (its own guard)
 * instead of a user token. The global user guard honours it only on controllers whose path
 * starts with `v1`; anywhere else the route still needs a user token.
 */
export const ExecutorAuth = () => SetMetadata(EXECUTOR_AUTH, true);
