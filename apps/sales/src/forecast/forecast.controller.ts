import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblem, RequirePermission } from '@crm/platform';
import { ForecastDto, ForecastQuery } from './dto/forecast.dto';
import { ForecastService } from './forecast.service';

@ApiTags('forecast')
@Controller('forecast')
export class ForecastController {
  constructor(private readonly forecasts: ForecastService) {}

  @Get()
  @RequirePermission('sales:read')
  @ApiOperation({
    summary:
      'Weighted pipeline and committed (won) amounts by month or quarter, optionally per owner or pipeline, in one currency',
  })
  @ApiOkResponse({ type: ForecastDto })
  @ApiProblem(422, 'CURRENCY_RATE_MISSING: convert=true and a currency has no rate (missing)')
  forecast(@Query() query: ForecastQuery) {
    return this.forecasts.forecast(query);
  }
}
