import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, ErrorCode, FieldError } from '../errors';
import { findInputProblem } from './request-input-check';

/** Flattens nested class-validator errors into `{field, message}` with dotted field paths. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/**
 * The global pipe: class-validator on every DTO, after refusing text no database column can hold
 * (NUL characters, unpaired surrogates) anywhere in the body, query or path — names and keys too
 * — and nesting deep enough to overflow the recursive validators.
 */
export class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (this.toValidate(metadata)) {
      const problem = findInputProblem(value);
      if (problem !== undefined) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'Request validation failed', [problem]);
      }
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      new AppError(ErrorCode.VALIDATION_FAILED, 'Request validation failed', toFieldErrors(errors)),
  });
}
