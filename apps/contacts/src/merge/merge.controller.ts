import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@crm/platform';
import { ContactIdParams } from '../people/dto/person.dto';
import { MergeDto } from './dto/merge.dto';
import { MergeService } from './merge.service';

@ApiTags('contacts')
@Controller('contacts')
export class MergeController {
  constructor(private readonly merges: MergeService) {}

  @Post(':id/merge')
  @HttpCode(200)
  @RequirePermission('contacts:admin')
  @ApiOperation({
    summary: 'Fold sourceId into this contact; emits crm.contacts.contact.merged (subject: the source) and contact.updated (the target)',
  })
  merge(@Param() { id }: ContactIdParams, @Body() dto: MergeDto) {
    return this.merges.merge(id, dto.sourceId);
  }
}
