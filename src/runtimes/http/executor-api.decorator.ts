import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ExecutorAuth } from '../../common';
import { ExecutorErrorDto } from '../dto/runtime.dto';
import { ExecutorAuthGuard } from './executor-auth.guard';

/** A `/v1` controller: authenticated by the executor secret, documented as the executor API. */
export function ExecutorApi(): ClassDecorator {
  return applyDecorators(
    ApiTags('executor'),
    ApiBearerAuth('executor'),
    ApiUnauthorizedResponse({ type: ExecutorErrorDto, description: '`general_unauthorized`' }),
    ExecutorAuth(),
    UseGuards(ExecutorAuthGuard),
  );
}
