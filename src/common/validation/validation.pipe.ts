import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, ErrorCode, FieldError } from '../errors';

/** Flattens nested class-validator errors into `{field, message}` with dotted field paths. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new AppError(ErrorCode.VALIDATION_FAILED, 'Request validation failed', toFieldErrors(errors)),
  });
}
