import { FieldError } from './app-error';
import { ErrorCode } from './error-code';

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details?: FieldError[];
    request_id: string;
  };
}

export function errorBody(
  code: ErrorCode,
  message: string,
  requestId: string,
  details?: FieldError[],
): ErrorBody {
  return {
    error: {
      code,
      message,
      ...(details && details.length > 0 ? { details } : {}),
      request_id: requestId,
    },
  };
}
