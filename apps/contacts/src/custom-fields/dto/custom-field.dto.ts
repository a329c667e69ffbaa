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
import { CUSTOM_FIELD_TYPES, type CustomFieldType } from '../custom-field-definition.entity';

export class CreateCustomFieldDto {
  @ApiProperty({
    pattern: '^[a-z][a-z0-9_]{0,39}$',
    minLength: 1,
    maxLength: 40,
    example: 'tier',
    description: 'Values are customFields.<key>; search filters cf.<key>',
  })
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, {
    message: 'must be 1-40 lower-case letters, digits or _, starting with a letter',
  })
  key!: string;

  @ApiProperty({ maxLength: 100 }) @IsString() @Length(1, 100) label!: string;
  @ApiProperty({ enum: CUSTOM_FIELD_TYPES }) @IsIn(CUSTOM_FIELD_TYPES) type!: CustomFieldType;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() required?: boolean;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 100,
    maxLength: 100,
    description: 'The allowed values of an enum field',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  options?: string[];

  @ApiPropertyOptional({ maxLength: 200, description: 'Regular expression a string value must match' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  pattern?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, description: 'Longest string value (default 1000)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  maxLength?: number;
}
