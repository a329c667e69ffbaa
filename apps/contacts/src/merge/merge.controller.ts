import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { RequirePermission } from '@crm/platform';
import { ContactIdParams } from '../people/dto/person.dto';
import { MergeService } from './merge.service';

class MergeDto {
  /** The contact folded into this one; it is marked merged. */
  @IsUUID() sourceId!: string;
}

@ApiTags('contacts')
@Controller('contacts')
export class MergeController {
  constructor(private readonly merges: MergeService) {}

  @Post(':id/merge')
  @HttpCode(200)
  @RequirePermission('contacts:admin')
  merge(@Param() { id }: ContactIdParams, @Body() dto: MergeDto) {
    return this.merges.merge(id, dto.sourceId);
  }
}
