import { ContainerEngineError } from '../container-engine';

interface DockerodeError {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

export function dockerMessage(error: unknown): string {
  const candidate = error as DockerodeError;
  return (candidate?.json?.message ?? candidate?.message ?? String(error)).trim();
}

/** Classifies a dockerode failure; `context` says what was being done, for the message. */
export function toEngineError(error: unknown, context: string): ContainerEngineError {
  if (error instanceof ContainerEngineError) return error;
  const candidate = error as DockerodeError;
  const message = `${context}: ${dockerMessage(error)}`;
  if (candidate?.code && UNREACHABLE_CODES.has(candidate.code)) {
    return new ContainerEngineError(
      'unavailable',
      `${context}: Docker Engine is unreachable (${candidate.code})`,
    );
  }
  switch (candidate?.statusCode) {
    case 404:
      return new ContainerEngineError('not_found', message, 404);
    case 409:
      return new ContainerEngineError('conflict', message, 409);
    default:
      return new ContainerEngineError('failed', message, candidate?.statusCode);
  }
}

export function isStatus(error: unknown, ...statuses: number[]): boolean {
  const status = (error as DockerodeError)?.statusCode;
  return status !== undefined && statuses.includes(status);
}
