import { SetMetadata } from '@nestjs/common';

export const EXECUTOR_AUTH = 'runcell:executor-auth';

/**
 * Marks a route (or controller) of the OpenRuntimes `/v1` API: the user-token guard skips it and
 * the executor guard checks the executor secret instead.
 */
export const ExecutorAuth = () => SetMetadata(EXECUTOR_AUTH, true);
