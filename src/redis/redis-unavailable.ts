import { AppError, ErrorCode } from '../common';

const RETRY_AFTER_SECONDS = '5';

/** 503 `SERVICE_UNAVAILABLE` for a request that needs Redis while it cannot be reached. */
export function redisUnavailable(): AppError {
  return new AppError(
    ErrorCode.SERVICE_UNAVAILABLE,
    'A service this request needs is unavailable; try again shortly.',
    undefined,
    { 'retry-after': RETRY_AFTER_SECONDS },
  );
}

/**
 * Runs a Redis operation of a request: a coded error (e.g. 429) passes through, any failure of
 * Redis itself becomes 503 instead of a 500.
 */
export async function requireRedis<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw redisUnavailable();
  }
}
