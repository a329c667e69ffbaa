import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@crm/platform';
import { AttributionService } from './attribution.service';
import { AttributionDto, RoiDto } from './dto/attribution.dto';
import { DealFunnelDto, LifecycleFunnelDto } from './dto/funnels.dto';
import { CohortsDto, TrendsDto } from './dto/purchase-reports.dto';
import {
  AttributionQueryDto,
  CohortQueryDto,
  DealFunnelQueryDto,
  LifecycleFunnelQueryDto,
  SupportKpiQueryDto,
  TrendQueryDto,
} from './dto/report-queries.dto';
import { SupportKpisDto } from './dto/support-kpis.dto';
import { FunnelsService } from './funnels.service';
import { PurchaseReportsService } from './purchase-reports.service';
import { SupportKpisService } from './support-kpis.service';

@ApiTags('analytics')
@Controller('analytics')
export class ReportsController {
  constructor(
    private readonly purchases: PurchaseReportsService,
    private readonly funnels: FunnelsService,
    private readonly attributions: AttributionService,
    private readonly support: SupportKpisService,
  ) {}

  @Get('cohorts')
  @RequirePermission('analytics:read')
  @ApiOperation({
    summary: 'Cohort matrix: customers by first-order or acquisition month, retention and revenue per month since',
  })
  @ApiOkResponse({ type: CohortsDto })
  cohorts(@Query() q: CohortQueryDto) {
    return this.purchases.cohorts(q);
  }

  @Get('trends')
  @RequirePermission('analytics:read')
  @ApiOperation({
    summary: 'Revenue, orders, AOV and frequency by a demographic dimension, with a monthly series and growth',
  })
  @ApiOkResponse({ type: TrendsDto })
  trends(@Query() q: TrendQueryDto) {
    return this.purchases.trends(q);
  }

  @Get('funnels/lifecycle')
  @RequirePermission('analytics:read')
  @ApiOperation({
    summary: 'Lifecycle funnel (lead -> prospect -> customer): conversion and median days between steps',
  })
  @ApiOkResponse({ type: LifecycleFunnelDto })
  lifecycle(@Query() q: LifecycleFunnelQueryDto) {
    return this.funnels.lifecycle(q);
  }

  @Get('funnels/deals')
  @RequirePermission('analytics:read')
  @ApiOperation({
    summary: 'Deal-stage funnel per pipeline: entered, conversion to the next stage, median time in stage',
  })
  @ApiOkResponse({ type: DealFunnelDto })
  deals(@Query() q: DealFunnelQueryDto) {
    return this.funnels.deals(q);
  }

  @Get('attribution')
  @RequirePermission('analytics:read')
  @ApiOperation({
    summary: 'Revenue per channel and campaign under first-touch, last-touch, linear, position-based and time-decay',
  })
  @ApiOkResponse({ type: AttributionDto })
  attribution(@Query() q: AttributionQueryDto) {
    return this.attributions.attribution(q);
  }

  @Get('roi')
  @RequirePermission('analytics:read')
  @ApiOperation({ summary: 'Campaign ROI: attributed revenue against cost, per attribution model' })
  @ApiOkResponse({ type: RoiDto })
  roi(@Query() q: AttributionQueryDto) {
    return this.attributions.roi(q);
  }

  @Get('support/kpis')
  @RequirePermission('analytics:read')
  @ApiOperation({ summary: 'Support KPIs by team, agent, priority or channel, and per month' })
  @ApiOkResponse({ type: SupportKpisDto })
  supportKpis(@Query() q: SupportKpiQueryDto) {
    return this.support.kpis(q);
  }
}
