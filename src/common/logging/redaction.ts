/** Log paths that may hold secrets; pino replaces their values. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-open-runtimes-secret"]',
  'req.headers["x-internal-challenge"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.password_hash',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.refreshToken',
  '*.accessToken',
  '*.secret',
  '*.key',
  '*.jwtSecret',
  '*.variables',
  '*.env',
  '*.Env',
];

export const CENSOR = '[redacted]';

/** The redaction part of the pino options, shared by the application logger and its tests. */
export function redactionOptions() {
  return {
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    formatters: { log: (object: Record<string, unknown>) => redactDeep(object) },
  };
}

/**
 * Keys whose values never reach a log line, at any depth, compared case-insensitively. Query
 * `parameters` (and a driver's `detail`, which quotes values) are here so a failed statement
 * never logs a password hash or an environment value.
 */
const SECRET_KEYS = new Set(
  [
    'password',
    'passwordHash',
    'password_hash',
    'token',
    'access_token',
    'refresh_token',
    'refreshToken',
    'accessToken',
    'secret',
    'key',
    'jwtSecret',
    'variables',
    'env',
    'authorization',
    'cookie',
    'set-cookie',
    'x-open-runtimes-secret',
    'x-internal-challenge',
    'parameters',
    'detail',
  ].map((key) => key.toLowerCase()),
);

const MAX_DEPTH = 32;

/**
 * A copy of a log object with every secret key censored however deep it sits. Only plain objects,
 * arrays and errors are walked (errors keep their prototype, so pino still serialises them as
 * errors); anything else (requests, buffers) is left to pino's serialisers.
 */
export function redactDeep<T>(value: T): T {
  return redactValue(value, 0, new WeakSet()) as T;
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const walkable = Array.isArray(value) || value instanceof Error || isPlainObject(value);
  if (!walkable) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const copy = Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>;
  const keys = value instanceof Error ? Object.getOwnPropertyNames(value) : Object.keys(value);
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key];
    copy[key] = SECRET_KEYS.has(key.toLowerCase()) ? CENSOR : redactValue(item, depth + 1, seen);
  }
  return copy;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
