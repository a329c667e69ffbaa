import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPage, ApiProblem, CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { DocumentIdParams } from '../documents/dto/document.dto';
import { HoldIdParams, HoldListQuery, HoldReasonDto, HoldViewDto, RecordHoldDto } from './dto/hold.dto';
import { HoldsService } from './holds.service';

@ApiTags('legal holds')
@Controller('documents')
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Post(':id/holds')
  @RequirePermission('documents:admin')
  @ApiOperation({ summary: 'Place a legal hold on one document; emits crm.documents.hold.placed' })
  @ApiCreatedResponse({ type: HoldViewDto })
  placeOnDocument(
    @Param() { id }: DocumentIdParams,
    @Body() dto: HoldReasonDto,
    @CurrentPrincipal() caller: Principal,
  ) {
    return this.holds.place({ documentId: id }, dto.reason, caller);
  }

  @Post('holds')
  @RequirePermission('documents:admin')
  @ApiOperation({ summary: 'Place a legal hold on everything linked to a record (now and later)' })
  @ApiCreatedResponse({ type: HoldViewDto })
  placeOnRecord(@Body() dto: RecordHoldDto, @CurrentPrincipal() caller: Principal) {
    return this.holds.place({ record: { kind: dto.record.kind, id: dto.record.id } }, dto.reason, caller);
  }

  @Get('holds')
  @RequirePermission('documents:read')
  @ApiOperation({ summary: 'Legal holds, newest first' })
  @ApiPage(HoldViewDto)
  list(@Query() q: HoldListQuery) {
    return this.holds.list({
      active: q.active === undefined ? undefined : q.active === 'true',
      documentId: q.documentId,
      limit: q.limit,
      cursor: q.cursor,
    });
  }

  @Get('holds/:holdId')
  @RequirePermission('documents:read')
  @ApiOperation({ summary: 'One legal hold' })
  @ApiOkResponse({ type: HoldViewDto })
  get(@Param() { holdId }: HoldIdParams) {
    return this.holds.get(holdId);
  }

  @Post('holds/:holdId/release')
  @HttpCode(200)
  @RequirePermission('documents:admin')
  @ApiOperation({ summary: 'Release a legal hold (who, when and why are kept); emits crm.documents.hold.released' })
  @ApiOkResponse({ type: HoldViewDto })
  @ApiProblem(409, 'HOLD_ALREADY_RELEASED')
  release(@Param() { holdId }: HoldIdParams, @Body() dto: HoldReasonDto, @CurrentPrincipal() caller: Principal) {
    return this.holds.release(holdId, dto.reason, caller);
  }
}
