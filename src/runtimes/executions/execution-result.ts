/** What an execution returns, before it is encoded as JSON or multipart. */
export interface ExecutionResult {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  logs: string;
  errors: string;
  /** Seconds (float). */
  duration: number;
  /** Epoch seconds (float). */
  startTime: number;
}

const RUNTIME_HEADER_PREFIX = 'x-open-runtimes-';

/** Groups raw response headers: repeated names become arrays; `x-open-runtimes-*` are dropped. */
export function groupResponseHeaders(raw: [string, string][]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of raw) {
    if (name.startsWith(RUNTIME_HEADER_PREFIX) || name === '__proto__') continue;
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = [existing, value];
  }
  return headers;
}

/** Collapses array-valued headers to their last value (response formats before 0.11.0). */
export function collapseHeaders(
  headers: Record<string, string | string[]>,
): Record<string, string> {
  const collapsed: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    collapsed[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return collapsed;
}

/** `x-executor-response-format` compared as a version; absent means `0.10.0`. */
export function wantsHeaderArrays(responseFormat: string | undefined): boolean {
  return compareVersions(responseFormat ?? '0.10.0', '0.11.0') >= 0;
}

export function compareVersions(left: string, right: string): number {
  const a = left.trim().split('.');
  const b = right.trim().split('.');
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const x = Number.parseInt(a[index] ?? '0', 10);
    const y = Number.parseInt(b[index] ?? '0', 10);
    const difference = (Number.isNaN(x) ? 0 : x) - (Number.isNaN(y) ? 0 : y);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}
