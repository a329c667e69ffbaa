import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiProblem, RequirePermission } from '@crm/platform';
import {
  CreateLostReasonDto,
  LostReasonIdParams,
  LostReasonListQuery,
  LostReasonViewDto,
  UpdateLostReasonDto,
} from './dto/lost-reason.dto';
import { LostReasonsService } from './lost-reasons.service';

@ApiTags('lost reasons')
@ApiExtraModels(LostReasonViewDto)
@Controller('lost-reasons')
export class LostReasonsController {
  constructor(private readonly reasons: LostReasonsService) {}

  @Get()
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'The lost reasons a lost deal picks from, by label (at most 500)' })
  @ApiOkResponse({ schema: { type: 'array', maxItems: 500, items: { $ref: getSchemaPath(LostReasonViewDto) } } })
  list(@Query() query: LostReasonListQuery) {
    return this.reasons.list(query.includeInactive === 'true');
  }

  @Get(':id')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'One lost reason' })
  @ApiOkResponse({ type: LostReasonViewDto })
  get(@Param() { id }: LostReasonIdParams) {
    return this.reasons.get(id);
  }

  @Post()
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Add a lost reason' })
  @ApiCreatedResponse({ type: LostReasonViewDto })
  @ApiProblem(409, 'LOST_REASON_TAKEN: another reason has this label')
  create(@Body() dto: CreateLostReasonDto) {
    return this.reasons.create(dto);
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Relabel or retire (active: false) a lost reason; deals lost for it keep it' })
  @ApiOkResponse({ type: LostReasonViewDto })
  @ApiProblem(409, 'LOST_REASON_TAKEN: another reason has this label')
  update(@Param() { id }: LostReasonIdParams, @Body() dto: UpdateLostReasonDto) {
    return this.reasons.update(id, dto);
  }
}
