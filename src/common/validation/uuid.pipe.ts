import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError, ErrorCode } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids: a malformed one is 400 `INVALID_ID`, never a database error. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new AppError(ErrorCode.INVALID_ID, `"${String(value).slice(0, 64)}" is not a valid id`);
    }
    return value.toLowerCase();
  }
}
