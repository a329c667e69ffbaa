import { Controller, Get, Param } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiTags, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { RequirePermission } from '@crm/platform';
import { ContactIdParams } from '../people/dto/person.dto';
import { DuplicatesService } from './duplicates.service';
import { DuplicateSuggestionDto } from './dto/person-hit.dto';

@ApiTags('contacts')
@Controller('contacts')
export class DuplicatesController {
  constructor(private readonly duplicates: DuplicatesService) {}

  @Get(':id/duplicates')
  @RequirePermission('contacts:read')
  @ApiOperation({ summary: 'Likely duplicates: a similar name (trigram) plus a shared phone or the same account' })
  @ApiOkResponse({
    description: 'Most likely first, at most 20',
    schema: { type: 'array', maxItems: 20, items: { $ref: getSchemaPath(DuplicateSuggestionDto) } },
  })
  @ApiExtraModels(DuplicateSuggestionDto)
  suggest(@Param() { id }: ContactIdParams) {
    return this.duplicates.suggest(id);
  }
}
