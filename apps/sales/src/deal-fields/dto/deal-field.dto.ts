import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { DEAL_FIELD_TYPES, type DealFieldType } from '../check-deal-fields';

export class CreateDealFieldDto {
  @ApiProperty({ pattern: '^[a-z][a-z0-9_]{0,39}$', minLength: 1, maxLength: 40, example: 'seats' })
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, {
    message: 'must be 1-40 lower-case letters, digits or _, starting with a letter',
  })
  key!: string;
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @Length(1, 100) label!: string;
  @ApiProperty({ enum: DEAL_FIELD_TYPES }) @IsIn(DEAL_FIELD_TYPES) type!: DealFieldType;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() required?: boolean;
  @ApiPropertyOptional({ type: [String], maxItems: 100, items: { type: 'string', maxLength: 100 } })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  options?: string[];
  @ApiPropertyOptional({ minimum: 1, maximum: 10000, description: 'Longest string value (default 1000)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  maxLength?: number;
}

export class DealFieldViewDto {
  @ApiProperty({ maxLength: 40 }) key!: string;
  @ApiProperty({ maxLength: 100 }) label!: string;
  @ApiProperty({ enum: DEAL_FIELD_TYPES }) type!: string;
  @ApiProperty() required!: boolean;
  @ApiProperty({ type: [String], nullable: true, maxItems: 100, items: { type: 'string', maxLength: 100 } })
  options!: string[] | null;
  @ApiProperty({ type: Number, nullable: true }) maxLength!: number | null;
}
