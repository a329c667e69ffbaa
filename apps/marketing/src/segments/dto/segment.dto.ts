import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { FILTER_FIELDS } from '../segment-filter';

const DEFINITION_DOC =
  'Filter tree: {"and": [...]}, {"or": [...]}, {"not": {...}} or a condition {"field", "op", "value"}; ' +
  `fields: ${FILTER_FIELDS.join(', ')}. At most 6 levels and 100 conditions.`;

export class CreateSegmentDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ enum: ['dynamic', 'static'] })
  @IsIn(['dynamic', 'static'])
  kind!: 'dynamic' | 'static';

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: DEFINITION_DOC })
  @IsOptional()
  @IsObject()
  definition?: Record<string, unknown>;
}

export class UpdateSegmentDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: DEFINITION_DOC })
  @IsOptional()
  @IsObject()
  definition?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'The version last read; a mismatch is refused with 412 (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class PreviewSegmentDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: DEFINITION_DOC })
  @IsObject()
  definition!: Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 0, maximum: 50, default: 10, description: 'Contacts to show' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(50)
  sample?: number;
}

export class StaticMembersDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: 1000 })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, message: 'each must be a UUID' })
  contactIds!: string[];
}
