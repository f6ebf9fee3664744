/** The OpenRuntimes executor's error types (`app/config/errors.php` upstream). */
export enum ExecutorErrorType {
  GENERAL_UNKNOWN = 'general_unknown',
  GENERAL_ROUTE_NOT_FOUND = 'general_route_not_found',
  GENERAL_UNAUTHORIZED = 'general_unauthorized',
  BUILD_FAILED = 'build_failed',
  RUNTIME_FAILED = 'runtime_failed',
  RUNTIME_TIMEOUT = 'runtime_timeout',
  RUNTIME_NOT_FOUND = 'runtime_not_found',
  RUNTIME_CONFLICT = 'runtime_conflict',
  EXECUTION_BAD_REQUEST = 'execution_bad_request',
  EXECUTION_BAD_JSON = 'execution_bad_json',
  EXECUTION_TIMEOUT = 'execution_timeout',
  LOGS_TIMEOUT = 'logs_timeout',
  COMMAND_TIMEOUT = 'command_timeout',
  COMMAND_FAILED = 'command_failed',
}

export const EXECUTOR_ERRORS: Record<ExecutorErrorType, { status: number; message: string }> = {
  [ExecutorErrorType.GENERAL_UNKNOWN]: { status: 500, message: 'Internal server error.' },
  [ExecutorErrorType.GENERAL_ROUTE_NOT_FOUND]: {
    status: 404,
    message: 'The requested route was not found.',
  },
  [ExecutorErrorType.GENERAL_UNAUTHORIZED]: {
    status: 401,
    message: 'You are not authorized to access this resource.',
  },
  [ExecutorErrorType.BUILD_FAILED]: { status: 400, message: 'Build failed.' },
  [ExecutorErrorType.RUNTIME_FAILED]: { status: 400, message: 'Runtime failed.' },
  [ExecutorErrorType.RUNTIME_TIMEOUT]: { status: 400, message: 'Timed out waiting for runtime.' },
  [ExecutorErrorType.RUNTIME_NOT_FOUND]: { status: 404, message: 'Runtime not found' },
  [ExecutorErrorType.RUNTIME_CONFLICT]: { status: 409, message: 'Runtime already exists ' },
  [ExecutorErrorType.EXECUTION_BAD_REQUEST]: {
    status: 400,
    message: 'Execution request was invalid.',
  },
  [ExecutorErrorType.EXECUTION_BAD_JSON]: {
    status: 400,
    message:
      'Execution resulted in binary response, but JSON response does not allow binaries. Use "Accept: multipart/form-data" header to support binaries.',
  },
  [ExecutorErrorType.EXECUTION_TIMEOUT]: {
    status: 400,
    message: 'Timed out waiting for execution.',
  },
  [ExecutorErrorType.LOGS_TIMEOUT]: { status: 504, message: 'Timed out waiting for logs.' },
  [ExecutorErrorType.COMMAND_TIMEOUT]: { status: 500, message: 'Operation timed out.' },
  [ExecutorErrorType.COMMAND_FAILED]: { status: 500, message: 'Failed to execute command.' },
};

/**
 * An error of the `/v1` API, rendered as `{type, message, code, version}`. `general_unknown`
 * errors are the upstream "generic" ones (framework errors, failed Docker calls).
 */
export class ExecutorError extends Error {
  readonly status: number;

  constructor(
    readonly type: ExecutorErrorType,
    message?: string,
    status?: number,
  ) {
    super(message ?? EXECUTOR_ERRORS[type].message);
    this.name = 'ExecutorError';
    this.status = status ?? EXECUTOR_ERRORS[type].status;
  }

  /** A generic error (`general_unknown`) with its own status, like upstream's plain exceptions. */
  static generic(message: string, status = 500): ExecutorError {
    return new ExecutorError(ExecutorErrorType.GENERAL_UNKNOWN, message, status);
  }

  /** A framework parameter error: `Param "x" is not optional.` or `Invalid \`x\` param: ...`. */
  static badParam(message: string): ExecutorError {
    return new ExecutorError(ExecutorErrorType.GENERAL_UNKNOWN, message, 400);
  }
}
