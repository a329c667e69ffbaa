import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { RequirePermission } from '@crm/platform';
import { analyticsError } from '../shared/analytics-errors';
import { CustomerSummaryService, SUMMARY_DIMENSIONS, type SummaryDimension } from './customer-summary.service';
import { CustomerFactsDto, CustomerSummaryDto, DimensionCountsDto } from './dto/customer-summary.dto';

class DimensionParams {
  @ApiProperty({ enum: Object.keys(SUMMARY_DIMENSIONS) })
  @IsIn(Object.keys(SUMMARY_DIMENSIONS))
  dimension!: SummaryDimension;
}

class ContactIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

@ApiTags('analytics')
@Controller('analytics/customers')
export class CustomersController {
  constructor(private readonly summaries: CustomerSummaryService) {}

  @Get('summary')
  @RequirePermission('analytics:read')
  @ApiOperation({ summary: 'Customer counts by lifecycle stage, country and acquisition channel' })
  @ApiOkResponse({ type: CustomerSummaryDto })
  summary() {
    return this.summaries.summary();
  }

  @Get('by/:dimension')
  @RequirePermission('analytics:read')
  @ApiOperation({ summary: 'Customer counts by one dimension: lifecycleStage, country or acquisitionChannel' })
  @ApiOkResponse({ type: DimensionCountsDto })
  countBy(@Param() params: DimensionParams) {
    return this.summaries.countBy(params.dimension);
  }

  @Get(':id/facts')
  @RequirePermission('analytics:read')
  @ApiOperation({ summary: 'The facts analytics holds about one customer' })
  @ApiOkResponse({ type: CustomerFactsDto })
  async facts(@Param() params: ContactIdParams) {
    const facts = await this.summaries.facts(params.id);
    if (!facts) throw analyticsError('CUSTOMER_FACTS_NOT_FOUND', `Analytics has no facts for customer ${params.id}`);
    return facts;
  }
}
