import type { RedisOptions } from 'ioredis';

/** ioredis options from a `redis://` or `rediss://` URL. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    // Reconnect forever, but not faster than every 2 s, so an outage does not flood the log.
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  };
}
