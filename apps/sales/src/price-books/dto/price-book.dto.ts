import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '@crm/platform';
import { IsGivenOnce, IsNotBlank } from '../../shared/validators';
import { IsCurrency } from '../currency';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MESSAGE = 'must be a date, YYYY-MM-DD';

export class CreatePriceBookDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Retail EUR 2026' })
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  name!: string;

  @ApiProperty({ example: 'EUR', minLength: 3, maxLength: 3, description: 'ISO 4217, upper case' })
  @IsCurrency()
  currency!: string;

  @ApiPropertyOptional({ format: 'date', description: 'First day the prices apply (open when left out)' })
  @IsOptional()
  @Matches(DAY, { message: DAY_MESSAGE })
  @IsISO8601({ strict: true }, { message: DAY_MESSAGE })
  validFrom?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Last day the prices apply (open when left out)' })
  @IsOptional()
  @Matches(DAY, { message: DAY_MESSAGE })
  @IsISO8601({ strict: true }, { message: DAY_MESSAGE })
  validTo?: string;

  @ApiPropertyOptional({
    description:
      "Makes it the currency's default book (the previous default stops being one). The first book of a currency is its default anyway.",
  })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;
}

export class UpdatePriceBookDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @IsNotBlank()
  name?: string;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  @IsOptional()
  @Matches(DAY, { message: DAY_MESSAGE })
  @IsISO8601({ strict: true }, { message: DAY_MESSAGE })
  validFrom?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  @IsOptional()
  @Matches(DAY, { message: DAY_MESSAGE })
  @IsISO8601({ strict: true }, { message: DAY_MESSAGE })
  validTo?: string | null;

  @ApiPropertyOptional({
    description: 'true makes it the default of its currency; false is refused: make another book the default instead',
  })
  @IsOptional()
  @IsBoolean()
  isDefault?: boolean;
}

export class SetPriceDto {
  @ApiProperty({ minimum: 0, maximum: 1e12, description: 'In minor units of the book currency' })
  @IsInt({ message: 'must be a whole number of minor units' })
  @Min(0, { message: 'must not be negative' })
  @Max(1e12, { message: 'must be at most 1,000,000,000,000 minor units' })
  unitPriceMinor!: number;
}

export class PriceBookListQuery extends PageQueryDto {
  @ApiPropertyOptional({ example: 'EUR', minLength: 3, maxLength: 3 })
  @IsOptional()
  @IsGivenOnce()
  @IsCurrency()
  currency?: string;
}

export class PriceBookIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) id!: string;
}

export class PriceParams extends PriceBookIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) productId!: string;
}
