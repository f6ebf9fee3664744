import { RuntimePaths } from '../containers/runtime-paths';
import { CreateExecutionParams } from '../params/runtime-params';
import { takeExecutionLogs } from './execution-logs.reader';
import { groupResponseHeaders } from './execution-result';
import type { Agent } from 'node:http';
import { RuntimeHttpRequest, RuntimeHttpResponse } from './runtime-http-client';

export const RUNTIME_PORT = 3000;
const V5_CONNECT_TIMEOUT_MS = 5_000;
const V5_EXTRA_TIMEOUT_MS = 5_000;
const V2_CONNECT_TIMEOUT_MS = 10_000;
const V2_OUTPUT_CAP_BYTES = 1_000_000;
/** Headers the HTTP client sets from the body it sends. */
const TRANSPORT_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

export interface RuntimeTarget {
  address: string;
  /** Keep-alive connections verified to reach this runtime's container. */
  agent?: Agent;
  maxResponseBytes: number;
  hostname: string;
  secret: string;
  paths: RuntimePaths;
}

/** The part of the result that comes from the runtime. */
export interface RuntimeOutcome {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  logs: string;
  errors: string;
}

/** v4/v5: the user's method, path and headers, plus the executor's own headers (§4). */
export function v5Request(
  target: RuntimeTarget,
  params: CreateExecutionParams,
  remainingSeconds: number,
): RuntimeHttpRequest {
  const headers: Record<string, string> = { host: `${target.hostname}:${RUNTIME_PORT}` };
  for (const [name, value] of Object.entries(params.headers)) {
    const lower = name.toLowerCase();
    if (!TRANSPORT_HEADERS.has(lower)) headers[lower] = value;
  }
  const body = params.method === 'HEAD' ? undefined : params.body;
  // curl sends a body without a content type as a urlencoded form.
  if (body && headers['content-type'] === undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  Object.assign(headers, {
    'x-open-runtimes-logging': params.logging ? 'enabled' : 'disabled',
    authorization: `Basic ${Buffer.from(`opr:${target.secret}`).toString('base64')}`,
    'x-open-runtimes-secret': target.secret,
    'x-open-runtimes-timeout': String(Math.max(Math.trunc(remainingSeconds), 1)),
  });
  return {
    address: target.address,
    agent: target.agent,
    maxResponseBytes: target.maxResponseBytes,
    port: RUNTIME_PORT,
    method: params.method,
    path: params.path,
    headers,
    body,
    timeoutMs: remainingSeconds * 1000 + V5_EXTRA_TIMEOUT_MS,
    connectTimeoutMs: V5_CONNECT_TIMEOUT_MS,
  };
}

/** With logging disabled the runtime writes no log files, so none are looked for. */
export async function v5Outcome(
  target: RuntimeTarget,
  response: RuntimeHttpResponse,
  logging: boolean,
): Promise<RuntimeOutcome> {
  const logIdHeader = response.headers.find(([name]) => name === 'x-open-runtimes-log-id');
  let logId = '';
  if (logIdHeader) {
    try {
      logId = decodeURIComponent(logIdHeader[1]);
    } catch {
      logId = logIdHeader[1];
    }
  }
  const { logs, errors } = logging
    ? await takeExecutionLogs(target.paths, logId)
    : { logs: '', errors: '' };
  return {
    statusCode: response.statusCode,
    headers: groupResponseHeaders(response.headers),
    body: response.body,
    logs,
    errors,
  };
}

/** v2: always `POST /` with a JSON envelope; the user's method, path and headers are ignored. */
export function v2Request(
  target: RuntimeTarget,
  params: CreateExecutionParams,
  remainingSeconds: number,
): RuntimeHttpRequest {
  const payload = JSON.stringify({
    variables: params.variables,
    payload: params.body ? params.body.toString('utf8') : '',
    headers: {},
  });
  return {
    address: target.address,
    agent: target.agent,
    maxResponseBytes: target.maxResponseBytes,
    port: RUNTIME_PORT,
    method: 'POST',
    path: '/',
    headers: {
      host: 'null',
      'content-type': 'application/json',
      'x-internal-challenge': target.secret,
    },
    body: Buffer.from(payload, 'utf8'),
    timeoutMs: Math.max(remainingSeconds, 0.001) * 1000,
    connectTimeoutMs: V2_CONNECT_TIMEOUT_MS,
  };
}

export function v2Outcome(response: RuntimeHttpResponse): RuntimeOutcome {
  let decoded: { response?: unknown; stdout?: unknown; stderr?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(response.body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object') decoded = parsed;
  } catch {
    decoded = {};
  }
  const raw = decoded.response;
  const body =
    raw === undefined || raw === null ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
  return {
    statusCode: response.statusCode,
    headers: {},
    body: Buffer.from(body, 'utf8'),
    logs: capBytes(decoded.stdout),
    errors: capBytes(decoded.stderr),
  };
}

function capBytes(value: unknown): string {
  if (typeof value !== 'string') return '';
  const bytes = Buffer.from(value, 'utf8');
  return bytes.length <= V2_OUTPUT_CAP_BYTES
    ? value
    : bytes.subarray(0, V2_OUTPUT_CAP_BYTES).toString('utf8');
}
