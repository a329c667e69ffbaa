import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { PolicyTypeParams, RetentionPolicyDto, RetentionPolicyViewDto } from './dto/retention.dto';
import { RetentionService } from './retention.service';

@ApiTags('retention')
@Controller('documents/retention-policies')
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Get()
  @RequirePermission('documents:read')
  @ApiOperation({ summary: 'Retention policies by document type' })
  @ApiOkResponse({ type: [RetentionPolicyViewDto] })
  async list() {
    return { items: await this.retention.list(), nextCursor: null };
  }

  @Put(':type')
  @RequirePermission('documents:admin')
  @ApiOperation({ summary: 'Set the retention policy of a document type' })
  @ApiOkResponse({ type: RetentionPolicyViewDto })
  put(@Param() { type }: PolicyTypeParams, @Body() dto: RetentionPolicyDto, @CurrentPrincipal() caller: Principal) {
    return this.retention.put(type, dto, caller);
  }

  @Delete(':type')
  @HttpCode(204)
  @RequirePermission('documents:admin')
  @ApiOperation({ summary: 'Remove the retention policy of a document type' })
  @ApiNoContentResponse({ description: 'Removed' })
  async remove(@Param() { type }: PolicyTypeParams): Promise<void> {
    await this.retention.remove(type);
  }
}
