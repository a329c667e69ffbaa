import { ApiProperty } from '@nestjs/swagger';
import { IsISO4217CurrencyCode, IsString, Matches } from 'class-validator';

export class PutCurrencyRateDto {
  @ApiProperty({
    example: '1.0834',
    pattern: '^\\d{1,12}(\\.\\d{1,12})?$',
    maxLength: 25,
    description: 'What one unit of the currency is worth in the base currency, as a decimal string (exact)',
  })
  @IsString()
  @Matches(/^(?!0+(\.0+)?$)\d{1,12}(\.\d{1,12})?$/, {
    message: 'must be a positive decimal such as "1.0834" (at most 12 digits each side of the point)',
  })
  rate!: string;
}

export class CurrencyParams {
  @ApiProperty({ minLength: 3, maxLength: 3, example: 'USD' })
  @IsISO4217CurrencyCode({ message: 'must be an ISO 4217 currency code such as USD' })
  currency!: string;
}

export class CurrencyRateViewDto {
  @ApiProperty({ minLength: 3, maxLength: 3 }) currency!: string;
  @ApiProperty({ maxLength: 26, description: 'Units of the base currency one unit of this one is worth' })
  rate!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) updatedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CurrencyRatesDto {
  @ApiProperty({ minLength: 3, maxLength: 3, description: 'SALES_BASE_CURRENCY; its own rate is 1' }) base!: string;
  @ApiProperty({ type: [CurrencyRateViewDto], maxItems: 300, description: 'One per ISO 4217 currency at most' })
  rates!: CurrencyRateViewDto[];
}
