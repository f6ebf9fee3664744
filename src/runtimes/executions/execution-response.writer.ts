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
/** Boundaries take their randomness from a pool filled at once, never reused. */
const BOUNDARY_RANDOM_BYTES = 7;
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

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
  const statusCode = String(result.statusCode);
  const headers = JSON.stringify(headersValue(result.headers));
  const duration = formatPhpFloat(result.duration);
  const startTime = formatPhpFloat(result.startTime);
  const texts = [statusCode, headers, result.logs, result.errors, duration, startTime];
  let chosen = boundary ?? newBoundary();
  // The boundary is ASCII: a text holds it exactly when the text's UTF-8 bytes do.
  while (result.body.includes(chosen) || texts.some((text) => text.includes(chosen))) {
    chosen = newBoundary();
  }
  const delimiter = `${CRLF}--${chosen}`;
  const before =
    `--${chosen}` +
    part('statusCode', statusCode, '') +
    delimiter +
    part('headers', headers, `${CRLF}Content-Type: application/json`) +
    delimiter +
    part('body', '', '');
  const after =
    delimiter +
    part('logs', result.logs, '') +
    delimiter +
    part('errors', result.errors, '') +
    delimiter +
    part('duration', duration, '') +
    delimiter +
    part('startTime', startTime, '') +
    `${delimiter}--${CRLF}`;
  return {
    contentType: `multipart/form-data; boundary=${chosen}`,
    body: Buffer.concat([Buffer.from(before, 'utf8'), result.body, Buffer.from(after, 'utf8')]),
  };
}

function part(name: string, value: string, extraHeader: string): string {
  return `${CRLF}Content-Disposition: form-data; name="${name}"${extraHeader}${CRLF}${CRLF}${value}`;
}

/** PHP encodes an empty map as a list. */
function headersValue(headers: Record<string, string | string[]>): object {
  return Object.keys(headers).length === 0 ? [] : headers;
}

/** 29 dashes and 13 hex characters, like PHP's `uniqid()`, but unpredictable. */
function newBoundary(): string {
  if (randomOffset + BOUNDARY_RANDOM_BYTES > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  const hex = randomPool.toString('hex', randomOffset, randomOffset + BOUNDARY_RANDOM_BYTES);
  randomOffset += BOUNDARY_RANDOM_BYTES;
  return BOUNDARY_PREFIX + hex.slice(0, 13);
}
