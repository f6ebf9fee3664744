import { ERROR_STATUS, ErrorCode } from './error-code';

export interface FieldError {
  field: string;
  message: string;
}

/** A coded error thrown by services; the global filter turns it into the catalogue's body. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}
