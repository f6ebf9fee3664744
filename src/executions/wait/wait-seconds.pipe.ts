import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common';

export const MAX_WAIT_SECONDS = 60;

/** `?wait=`: absent stays undefined; otherwise a whole number of seconds, 0 to 60, or 400. */
@Injectable()
export class WaitSecondsPipe implements PipeTransform<unknown, number | undefined> {
  transform(value: unknown): number | undefined {
    if (value === undefined) return undefined;
    const seconds = typeof value === 'string' && /^\d{1,2}$/.test(value) ? Number(value) : NaN;
    if (!(seconds >= 0 && seconds <= MAX_WAIT_SECONDS)) {
      const message = `must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`;
      throw new AppError(ErrorCode.VALIDATION_FAILED, `wait ${message}`, [
        { field: 'wait', message },
      ]);
    }
    return seconds;
  }
}
