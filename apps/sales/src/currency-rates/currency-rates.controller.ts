import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { CurrencyRatesService } from './currency-rates.service';
import { CurrencyParams, CurrencyRatesDto, CurrencyRateViewDto, PutCurrencyRateDto } from './dto/currency-rate.dto';

@ApiTags('currency rates')
@Controller('currency-rates')
export class CurrencyRatesController {
  constructor(private readonly rates: CurrencyRatesService) {}

  @Get()
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'The base currency and the conversion rates the forecast uses for a base-currency total' })
  @ApiOkResponse({ type: CurrencyRatesDto })
  list() {
    return this.rates.list();
  }

  @Put(':currency')
  @HttpCode(200)
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Set the rate of a currency to the base currency' })
  @ApiOkResponse({ type: CurrencyRateViewDto })
  put(
    @Param() { currency }: CurrencyParams,
    @Body() dto: PutCurrencyRateDto,
    @CurrentPrincipal() by: Principal | undefined,
  ) {
    return this.rates.put(currency, dto.rate, by?.subject ?? null);
  }

  @Delete(':currency')
  @HttpCode(204)
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Remove the rate of a currency' })
  @ApiNoContentResponse({ description: 'Removed' })
  async remove(@Param() { currency }: CurrencyParams): Promise<void> {
    await this.rates.remove(currency);
  }
}
