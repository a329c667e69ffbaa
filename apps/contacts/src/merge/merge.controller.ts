import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiOkResponse } from '@nestjs/swagger';
import { RequirePermission, ApiProblem } from '@crm/platform';
import { ContactIdParams } from '../people/dto/person.dto';
import { MergeDto } from './dto/merge.dto';
import { MergeService } from './merge.service';
import { PersonViewDto } from '../people/dto/person-view.dto';

@ApiTags('contacts')
@Controller('contacts')
export class MergeController {
  constructor(private readonly merges: MergeService) {}

  @Post(':id/merge')
  @HttpCode(200)
  @RequirePermission('contacts:admin')
  @ApiOperation({
    summary:
      'Fold sourceId into this contact; emits crm.contacts.contact.merged (subject: the source) and contact.updated (the target)',
  })
  @ApiOkResponse({ type: PersonViewDto, description: 'The target contact as merged' })
  @ApiProblem(409, 'CONTACT_ERASED: an erased contact can no longer change')
  @ApiProblem(410, 'CONTACT_MERGED: either contact was already merged away')
  merge(@Param() { id }: ContactIdParams, @Body() dto: MergeDto) {
    return this.merges.merge(id, dto.sourceId);
  }
}
