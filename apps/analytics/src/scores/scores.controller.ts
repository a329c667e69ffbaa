import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { ApiProblem, RequirePermission } from '@crm/platform';
import { analyticsError } from '../shared/analytics-errors';
import { todayUtc } from '../shared/analytics-settings';
import {
  CustomerClvQueryDto,
  ModelQueryDto,
  ReportFiltersDto,
  TopQueryDto,
  checkRange,
} from '../shared/report-query.dto';
import { ClvModelService } from './clv-model.service';
import { CustomerClvService } from './customer-clv.service';
import { CustomerScoring } from './customer-scoring.service';
import {
  ClvDistributionDto,
  ClvModelDto,
  CustomerClvDto,
  CustomerScoresDto,
  RecomputeResultDto,
  RfmDistributionDto,
  TopCustomersDto,
} from './dto/score-answers.dto';
import { ScoreReportsService } from './score-reports.service';

class CustomerIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

class RecomputeDto {
  @ApiPropertyOptional({ type: 'string', format: 'date', maxLength: 10, description: 'default today (UTC)' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'must be a date YYYY-MM-DD' })
  calibrationEnd?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'true', description: 'publish changed scores' })
  @IsOptional()
  @IsIn([true, false, 'true', 'false'])
  publish?: boolean | 'true' | 'false';
}

@ApiTags('analytics')
@Controller('analytics')
export class ScoresController {
  constructor(
    private readonly models: ClvModelService,
    private readonly clvs: CustomerClvService,
    private readonly scoring: CustomerScoring,
    private readonly reports: ScoreReportsService,
  ) {}

  @Get('clv/model')
  @RequirePermission('analytics:read')
  @ApiOperation({ summary: 'BG/NBD and Gamma-Gamma fitted over every customer with an order up to calibrationEnd' })
  @ApiOkResponse({ type: ClvModelDto })
  @ApiProblem(422, 'CLV_MODEL_UNAVAILABLE: no customer has an order by then')
  model(@Query() q: ModelQueryDto) {
    return this.models.model(q.calibrationEnd ?? todayUtc(), q.unit ?? 'week');
  }

  @Get('customers/:id/clv')
  @RequirePermission('analytics:read')
  @ApiOperation({
    summary: "One customer's P(alive), expected purchases and spend, and discounted CLV over the horizon",
  })
  @ApiOkResponse({ type: CustomerClvDto })
  @ApiProblem(422, 'CLV_MODEL_UNAVAILABLE')
  customerClv(@Param() p: CustomerIdParams, @Query() q: CustomerClvQueryDto) {
    return this.clvs.clv(p.id, q.calibrationEnd ?? todayUtc(), q.unit ?? 'week', q.horizon ?? 39);
  }

  @Get('customers/:id/scores')
  @RequirePermission('analytics:read')
  @ApiOperation({ summary: "One customer's RFM scores and segment, CLV, P(alive) and churn risk" })
  @ApiOkResponse({ type: CustomerScoresDto })
  async customerScores(@Param() p: CustomerIdParams) {
    const s = await this.reports.customerScores(p.id);
    if (!s) throw analyticsError('CUSTOMER_HAS_NO_ORDERS', `Customer ${p.id} has no scores (no order yet)`);
    return s;
  }

  @Get('rfm')
  @RequirePermission('analytics:read')
  @ApiOperation({ summary: 'RFM distribution: customers per segment and per R, F and M score' })
  @ApiOkResponse({ type: RfmDistributionDto })
  rfm(@Query() q: ReportFiltersDto) {
    checkRange(q);
    return this.reports.rfmDistribution(q);
  }

  @Get('clv/distribution')
  @RequirePermission('analytics:read')
  @ApiOperation({ summary: 'Deciles and totals of customer lifetime value' })
  @ApiOkResponse({ type: ClvDistributionDto })
  clvDistribution(@Query() q: ReportFiltersDto) {
    checkRange(q);
    return this.reports.clvDistribution(q);
  }

  @Get('clv/top')
  @RequirePermission('analytics:read')
  @ApiOperation({ summary: 'The customers with the highest expected value' })
  @ApiOkResponse({ type: TopCustomersDto })
  top(@Query() q: TopQueryDto) {
    checkRange(q);
    return this.reports.top(q);
  }

  @Post('scores/recompute')
  @HttpCode(200)
  @RequirePermission('analytics:admin')
  @ApiOperation({ summary: 'Recompute every RFM score and CLV now, and publish the ones that changed' })
  @ApiOkResponse({ type: RecomputeResultDto })
  recompute(@Body() body: RecomputeDto) {
    return this.scoring.recomputeAll(
      body?.calibrationEnd ?? todayUtc(),
      !(body?.publish === false || body?.publish === 'false'),
    );
  }
}
