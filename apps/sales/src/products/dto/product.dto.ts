import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '@crm/platform';
import { IsGivenOnce, IsNotBlank } from '../../shared/validators';

export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/;

export class CreateProductDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 64,
    example: 'TV-55-OLED',
    description: 'Unique (case-insensitively); letters, digits and . _ - /',
  })
  @IsString()
  @Matches(SKU_PATTERN, { message: 'must be 1-64 letters, digits, dots, dashes, underscores or slashes' })
  sku!: string;

  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) @IsNotBlank() name!: string;
  @ApiPropertyOptional({ maxLength: 100, example: 'OLED55C4' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  model?: string;
  @ApiPropertyOptional({ maxLength: 100, example: 'televisions' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: 32, default: 'each', example: 'each' })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  @IsNotBlank()
  unit?: string;
  @ApiPropertyOptional({ default: true, description: 'An inactive product cannot go on a new quote line' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** Every field may change; model and category may be cleared with null. */
export class UpdateProductDto extends PartialType(CreateProductDto) {}

export class ProductListQuery extends PageQueryDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'SKU or name contains' })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(100)
  q?: string;
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(100)
  category?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';
}

export class ProductIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) id!: string;
}
