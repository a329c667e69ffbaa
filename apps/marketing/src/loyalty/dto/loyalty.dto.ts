import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsISO4217CurrencyCode,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  NotEquals,
  ValidateNested,
} from 'class-validator';

export class TierDto {
  @ApiProperty({ minLength: 1, maxLength: 50 }) @IsString() @Length(1, 50) name!: string;
  @ApiProperty({ minimum: 0, description: 'Lifetime points to reach it' })
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  threshold!: number;
  @ApiProperty({ minimum: 0.1, maximum: 10 }) @IsNumber({ maxDecimalPlaces: 2 }) @Min(0.1) @Max(10) multiplier!: number;
}

export class CreateProgramDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) name!: string;

  @ApiProperty({ example: 'EUR', minLength: 3, maxLength: 3, description: 'Orders in this currency earn points' })
  @IsISO4217CurrencyCode({ message: 'must be an ISO 4217 currency code' })
  currency!: string;

  @ApiProperty({ minimum: 0.01, maximum: 1000, description: 'Points per whole currency unit of net amount' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(1000)
  pointsPerUnit!: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'category -> multiplier',
  })
  @IsOptional()
  @IsObject()
  categoryMultipliers?: Record<string, number>;

  @ApiPropertyOptional({ type: [TierDto], maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => TierDto)
  tiers?: TierDto[];

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3650,
    description: 'Points expire this many days after they were earned',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiryDays?: number;
}

export class PointsDto {
  @ApiProperty({ minimum: 1, maximum: 100_000_000 }) @IsInt() @Min(1) @Max(100_000_000) points!: number;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @Length(1, 500) reason?: string;
}

export class AdjustPointsDto {
  @ApiProperty({ description: 'Positive credits, negative debits; the balance never goes below zero' })
  @IsInt()
  @NotEquals(0)
  @Min(-100_000_000)
  @Max(100_000_000)
  points!: number;
  @ApiProperty({ minLength: 1, maxLength: 500 }) @IsString() @Length(1, 500) reason!: string;
}
