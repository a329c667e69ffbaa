import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { CUSTOM_FIELD_TYPES, type CustomFieldType } from '../custom-field-definition.entity';

export class CreateCustomFieldDto {
  @Matches(/^[a-z][a-z0-9_]{0,39}$/, { message: 'must be 1-40 lower-case letters, digits or _, starting with a letter' }) key!: string;
  @IsString() @Length(1, 100) label!: string;
  @ApiProperty({ enum: CUSTOM_FIELD_TYPES }) @IsIn(CUSTOM_FIELD_TYPES) type!: CustomFieldType;
  @IsOptional() @IsBoolean() required?: boolean;
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(100, { each: true }) options?: string[];
  @IsOptional() @IsString() @MaxLength(200) pattern?: string;
  @IsOptional() @IsInt() @Min(1) @Max(10000) maxLength?: number;
}
