import { RestartPolicy } from '../../container-engine';
import { ExecutorError, ExecutorErrorType } from '../http/executor-error';
import { ParamReader, stringifyValues } from './param-reader';

export const RESTART_POLICIES: readonly RestartPolicy[] = [
  'no',
  'always',
  'on-failure',
  'unless-stopped',
];
export const EXECUTION_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const CACHE_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_EXECUTION_BODY = 20 * 1024 * 1024;

/** What starting a runtime container needs; shared by `POST /v1/runtimes` and cold starts. */
export interface RuntimeStartParams {
  runtimeId: string;
  image: string;
  entrypoint: string;
  source: string;
  variables: Record<string, string>;
  runtimeEntrypoint: string;
  cpus: number;
  memory: number;
  version: string;
  restartPolicy: RestartPolicy;
  outputDirectory: string;
}

export interface CreateRuntimeParams extends RuntimeStartParams {
  destination: string;
  command: string;
  cacheKey: string;
  timeout: number;
  remove: boolean;
}

export interface CreateExecutionParams {
  runtimeId: string;
  /** Undefined when the payload is empty (absent, or exactly `"0"`). */
  body: Buffer | undefined;
  path: string;
  method: string;
  headers: Record<string, string>;
  timeout: number;
  image: string;
  source: string;
  entrypoint: string;
  variables: Record<string, string>;
  cpus: number;
  memory: number;
  version: string;
  runtimeEntrypoint: string;
  logging: boolean;
  restartPolicy: RestartPolicy;
}

/** `POST /v1/runtimes`, parameters in the upstream declaration order. */
export function parseCreateRuntimeParams(
  params: Record<string, unknown>,
  runtimeVersions: string[],
): CreateRuntimeParams {
  const read = new ParamReader(params);
  const parsed: CreateRuntimeParams = {
    runtimeId: read.text('runtimeId', { max: 64 }),
    image: read.text('image', { max: 128 }),
    entrypoint: read.text('entrypoint', { max: 256, min: 0, default: '' }),
    source: read.text('source', { max: 0, min: 0, default: '' }),
    destination: read.text('destination', { max: 0, min: 0, default: '' }),
    outputDirectory: read.text('outputDirectory', { max: 0, min: 0, default: '' }),
    variables: stringifyValues(read.assoc('variables')),
    runtimeEntrypoint: read.text('runtimeEntrypoint', { max: 1024, min: 0, default: '' }),
    command: read.text('command', { max: 1024, min: 0, default: '' }),
    cacheKey: read.text('cacheKey', { max: 128, min: 0, default: '' }),
    timeout: read.integer('timeout', { loose: false, default: 600 }),
    remove: read.boolean('remove', { loose: false, default: false }),
    cpus: read.float('cpus', { loose: true, default: 1 }),
    memory: read.integer('memory', { loose: false, default: 512 }),
    version: read.whiteList('version', runtimeVersions, { caseSensitive: false, default: 'v5' }),
    restartPolicy: read.whiteList('restartPolicy', RESTART_POLICIES, {
      caseSensitive: true,
      default: 'no',
    }) as RestartPolicy,
  };
  if (parsed.cacheKey !== '' && !CACHE_KEY_PATTERN.test(parsed.cacheKey)) {
    throw new ExecutorError(
      ExecutorErrorType.EXECUTION_BAD_REQUEST,
      'Cache key must start with a letter or number and may only contain letters, numbers, dots, underscores, and hyphens.',
    );
  }
  return parsed;
}

/** `POST /v1/runtimes/:runtimeId/executions`; `runtimeId` comes from the path. */
export function parseCreateExecutionParams(
  runtimeId: string,
  params: Record<string, unknown>,
  runtimeVersions: string[],
): CreateExecutionParams {
  const read = new ParamReader(params);
  const id = new ParamReader({ runtimeId }).text('runtimeId', { max: 64 });
  const body = read.bytes('body', { max: MAX_EXECUTION_BODY });
  const path = read.text('path', { max: 2048, default: '/' });
  return {
    runtimeId: id,
    body: body === undefined || body.length === 0 || body.equals(ZERO) ? undefined : body,
    path: path.startsWith('/') ? path : `/${path}`,
    method: read.whiteList('method', EXECUTION_METHODS, { caseSensitive: true, default: 'GET' }),
    headers: stringifyValues(read.jsonOrAssoc('headers')),
    timeout: read.integer('timeout', { loose: true, default: 15 }),
    image: read.text('image', { max: 128, default: '' }),
    source: read.text('source', { max: 0, default: '' }),
    entrypoint: read.text('entrypoint', { max: 256, min: 0, default: '' }),
    variables: stringifyValues(read.jsonOrAssoc('variables')),
    cpus: read.float('cpus', { loose: true, default: 1 }),
    memory: read.integer('memory', { loose: true, default: 512 }),
    version: read.whiteList('version', runtimeVersions, { caseSensitive: false, default: 'v5' }),
    runtimeEntrypoint: read.text('runtimeEntrypoint', { max: 1024, min: 0, default: '' }),
    logging: read.boolean('logging', { loose: true, default: true }),
    restartPolicy: read.whiteList('restartPolicy', RESTART_POLICIES, {
      caseSensitive: true,
      default: 'no',
    }) as RestartPolicy,
  };
}

/** `POST /v1/runtimes/:runtimeId/commands`; `runtimeId` comes from the path. */
export function parseCommandParams(
  runtimeId: string,
  params: Record<string, unknown>,
): { runtimeId: string; command: string; timeout: number } {
  const read = new ParamReader(params);
  return {
    runtimeId: parseRuntimeIdParam(runtimeId),
    command: read.text('command', { max: 1024 }),
    timeout: read.integer('timeout', { loose: false, default: 600 }),
  };
}

/** `GET /v1/runtimes/:runtimeId/logs`: `timeout` is Text(16) read with PHP's `intval`. */
export function parseLogsParams(
  runtimeId: string,
  params: Record<string, unknown>,
): { runtimeId: string; timeout: number } {
  const timeout = new ParamReader(params).text('timeout', { max: 16, default: '600' });
  const leading = /^\s*[+-]?\d+/.exec(timeout);
  return {
    runtimeId: parseRuntimeIdParam(runtimeId),
    timeout: leading ? Number.parseInt(leading[0], 10) : 0,
  };
}

/** A path parameter `runtimeId` of the get and delete routes. */
export function parseRuntimeIdParam(runtimeId: string): string {
  return new ParamReader({ runtimeId }).text('runtimeId', { max: 64 });
}

const ZERO = Buffer.from('0');
