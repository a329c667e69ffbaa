import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { ApiIfMatch, ApiPage, ApiProblem, CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { parseIfMatch, withEtag } from '../shared/http';
import { listDeals } from './deal-list';
import { DealsService } from './deals.service';
import { CreateDealDto, DealIdParams, DealListQuery, MoveDealDto, ReopenDealDto, UpdateDealDto } from './dto/deal.dto';
import { DealViewDto, StageHistoryDto } from './dto/deal-view.dto';

@ApiTags('deals')
@Controller('deals')
export class DealsController {
  constructor(
    private readonly deals: DealsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Post()
  @RequirePermission('sales:write')
  @ApiOperation({ summary: 'Create a deal in an open stage of a pipeline; emits crm.sales.deal.created' })
  @ApiCreatedResponse({ type: DealViewDto, description: 'The deal, version 1' })
  @ApiProblem(422, 'STAGE_NOT_IN_PIPELINE, STAGE_RETIRED or DEAL_STAGE_TRANSITION_INVALID (not an open stage)')
  async create(
    @Body() dto: CreateDealDto,
    @CurrentPrincipal() by: Principal | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.deals.create(dto, by?.subject ?? null));
  }

  @Get()
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'Deals, newest first, keyset paged, filtered' })
  @ApiPage(DealViewDto)
  list(@Query() query: DealListQuery) {
    return listDeals(this.dataSource.manager, query);
  }

  @Get(':id')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'One deal' })
  @ApiOkResponse({ type: DealViewDto, description: 'The deal; its version is the ETag' })
  async get(@Param() { id }: DealIdParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.deals.get(id));
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('sales:write')
  @ApiOperation({ summary: 'Change a deal (not its stage: see /stage); emits crm.sales.deal.updated' })
  @ApiIfMatch()
  @ApiOkResponse({ type: DealViewDto })
  async update(
    @Param() { id }: DealIdParams,
    @Body() dto: UpdateDealDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ) {
    return withEtag(reply, await this.deals.update(id, dto, parseIfMatch(ifMatch)));
  }

  @Post(':id/stage')
  @HttpCode(200)
  @RequirePermission('sales:write')
  @ApiOperation({
    summary:
      'Move an open deal to another stage of its pipeline; a won or lost stage closes it (lost needs lostReasonId). Emits deal.stage-changed, then deal.won or deal.lost',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: DealViewDto })
  @ApiProblem(409, 'DEAL_CLOSED: reopen it first')
  @ApiProblem(
    422,
    'STAGE_NOT_IN_PIPELINE, STAGE_RETIRED, DEAL_STAGE_TRANSITION_INVALID, LOST_REASON_REQUIRED, LOST_REASON_UNKNOWN, LOST_REASON_INACTIVE',
  )
  async move(
    @Param() { id }: DealIdParams,
    @Body() dto: MoveDealDto,
    @CurrentPrincipal() by: Principal | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ) {
    return withEtag(reply, await this.deals.moveTo(id, dto, by?.subject ?? null, parseIfMatch(ifMatch)));
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @RequirePermission('sales:write')
  @ApiOperation({ summary: 'Reopen a won or lost deal into an open stage; emits deal.stage-changed (reopened)' })
  @ApiIfMatch()
  @ApiOkResponse({ type: DealViewDto })
  @ApiProblem(409, 'DEAL_NOT_CLOSED: the deal is open')
  async reopen(
    @Param() { id }: DealIdParams,
    @Body() dto: ReopenDealDto,
    @CurrentPrincipal() by: Principal | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ) {
    return withEtag(reply, await this.deals.reopen(id, dto.stageId, by?.subject ?? null, parseIfMatch(ifMatch)));
  }

  @Get(':id/history')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'Every stage move of the deal, oldest first, with the time spent in each stage' })
  @ApiOkResponse({ type: StageHistoryDto })
  history(@Param() { id }: DealIdParams) {
    return this.deals.history(id);
  }
}
