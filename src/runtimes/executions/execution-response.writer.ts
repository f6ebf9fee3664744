import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { ExecutorError, ExecutorErrorType } from '../http/executor-error';
import { formatPhpFloat } from '../params/param-reader';
import { ExecutionResult } from './execution-result';

export interface EncodedExecution {
  contentType: string;
  body: Buffer;
}

const BOUNDARY_PREFIX = '-----------------------------';
const CRLF = '\r\n';

/**
 * The PHP executor's negotiation: split `Accept` on `", "`; a piece starting with
 * `application/json` or `application/*` selects JSON, anything else (or no header) multipart.
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept
    .split(', ')
    .some((piece) => piece.startsWith('application/json') || piece.startsWith('application/*'));
}

export function encodeExecution(result: ExecutionResult, json: boolean): EncodedExecution {
  return json ? encodeJson(result) : encodeMultipart(result);
}

/** JSON with `content-type: application/json` exactly; a binary body cannot be encoded. */
export function encodeJson(result: ExecutionResult): EncodedExecution {
  if (!isUtf8(result.body)) throw new ExecutorError(ExecutorErrorType.EXECUTION_BAD_JSON);
  const body = JSON.stringify({
    statusCode: result.statusCode,
    headers: headersValue(result.headers),
    body: result.body.toString('utf8'),
    logs: result.logs,
    errors: result.errors,
    duration: result.duration,
    startTime: result.startTime,
  });
  return { contentType: 'application/json', body: Buffer.from(body, 'utf8') };
}

/** Byte-exact multipart in the order statusCode, headers, body, logs, errors, duration, startTime. */
export function encodeMultipart(result: ExecutionResult, boundary?: string): EncodedExecution {
  const fields: [string, Buffer, boolean][] = [
    ['statusCode', Buffer.from(String(result.statusCode)), false],
    ['headers', Buffer.from(JSON.stringify(headersValue(result.headers))), true],
    ['body', result.body, false],
    ['logs', Buffer.from(result.logs, 'utf8'), false],
    ['errors', Buffer.from(result.errors, 'utf8'), false],
    ['duration', Buffer.from(formatPhpFloat(result.duration)), false],
    ['startTime', Buffer.from(formatPhpFloat(result.startTime)), false],
  ];
  let chosen = boundary ?? newBoundary();
  while (fields.some(([, value]) => value.includes(chosen))) chosen = newBoundary();
  const delimiter = `--${chosen}`;
  const parts: Buffer[] = [Buffer.from(delimiter)];
  for (const [name, value, isJson] of fields) {
    let head = `${CRLF}Content-Disposition: form-data; name="${name}"`;
    if (isJson) head += `${CRLF}Content-Type: application/json`;
    parts.push(Buffer.from(head + CRLF + CRLF), value, Buffer.from(CRLF + delimiter));
  }
  parts.push(Buffer.from(`--${CRLF}`));
  return {
    contentType: `multipart/form-data; boundary=${chosen}`,
    body: Buffer.concat(parts),
  };
}

/** PHP encodes an empty map as a list. */
function headersValue(headers: Record<string, string | string[]>): object {
  return Object.keys(headers).length === 0 ? [] : headers;
}

/** 29 dashes and 13 hex characters, like PHP's `uniqid()`, but unpredictable. */
function newBoundary(): string {
  return BOUNDARY_PREFIX + randomBytes(7).toString('hex').slice(0, 13);
}
