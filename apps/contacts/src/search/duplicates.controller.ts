import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@crm/platform';
import { ContactIdParams } from '../people/dto/person.dto';
import { DuplicatesService } from './duplicates.service';

@ApiTags('contacts')
@Controller('contacts')
export class DuplicatesController {
  constructor(private readonly duplicates: DuplicatesService) {}

  @Get(':id/duplicates')
  @RequirePermission('contacts:read')
  suggest(@Param() { id }: ContactIdParams) {
    return this.duplicates.suggest(id);
  }
}
