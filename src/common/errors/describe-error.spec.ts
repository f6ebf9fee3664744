import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { AppError } from './app-error';
import { describeError } from './describe-error';
import { ErrorCode } from './error-code';

describe('describeError', () => {
  it('keeps an AppError as it is', () => {
    const sut = describeError(new AppError(ErrorCode.TASK_NOT_FOUND, 'Task not found'));
    expect(sut).toMatchObject({
      status: 404,
      code: 'TASK_NOT_FOUND',
      message: 'Task not found',
      unexpected: false,
    });
  });

  it('turns an unknown route into ROUTE_NOT_FOUND with the path but not the query', () => {
    const sut = describeError(new NotFoundException('Cannot GET /x?y=1'), 'GET', '/x?y=1');
    expect(sut).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      message: 'Route GET /x not found',
    });
  });

  it('maps framework body errors to MALFORMED_BODY and PAYLOAD_TOO_LARGE', () => {
    expect(describeError(new HttpException('Unexpected end of JSON input', 400)).code).toBe(
      'MALFORMED_BODY',
    );
    expect(describeError(new HttpException('Request body is too large', 413)).code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(describeError(new BadRequestException('bad')).code).toBe('VALIDATION_FAILED');
  });

  it('never exposes the message of an unexpected error', () => {
    const sut = describeError(new Error('password=hunter2 at /srv/app.js:12'));
    expect(sut).toEqual({
      status: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal server error.',
      headers: {},
      unexpected: true,
    });
  });
});
