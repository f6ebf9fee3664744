import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LanguageListDto } from './dto/language.dto';
import { LanguagesService } from './languages.service';

@ApiTags('languages')
@ApiBearerAuth('user')
@Controller('api/v1/languages')
export class LanguagesController {
  constructor(private readonly languages: LanguagesService) {}

  @Get()
  @ApiOperation({
    summary: 'Every language a task can use: version, extension, compile stage, default limits',
  })
  @ApiOkResponse({ type: LanguageListDto })
  async list(): Promise<LanguageListDto> {
    return { data: await this.languages.list() };
  }
}
