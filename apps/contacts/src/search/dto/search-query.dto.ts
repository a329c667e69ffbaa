import { ApiHideProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO31661Alpha2, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { LIFECYCLE_STAGES } from '../../people/person.entity';
import { SOURCE_CHANNELS } from '../../people/dto/person.dto';

export const SORTS = ['createdAt', '-createdAt', 'name', '-name', 'relevance'] as const;
export type Sort = (typeof SORTS)[number];

export class SearchQueryDto {
  @ApiPropertyOptional({ description: 'Full-text and fuzzy (trigram) search over names, emails and company name', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ maxLength: 50 }) @IsOptional() @IsString() @MaxLength(50) tag?: string;
  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES }) @IsOptional() @IsIn(LIFECYCLE_STAGES) stage?: string;
  @ApiPropertyOptional({ example: 'FR' }) @IsOptional() @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' }) country?: string;
  @ApiPropertyOptional({ enum: SOURCE_CHANNELS }) @IsOptional() @IsIn(SOURCE_CHANNELS) sourceChannel?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) owner?: string;

  /** Built from `cf.<key>=value` parameters by CustomFieldFiltersInterceptor; checked by the search service. */
  @ApiHideProperty()
  @IsOptional()
  @IsObject({ message: 'custom field filters are written cf.<key>=value' })
  cf?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: SORTS, description: 'Default: relevance with q, else -createdAt' })
  @IsOptional()
  @IsIn(SORTS)
  sort?: Sort;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number from 1 to 200' })
  @Min(1, { message: 'must be a whole number from 1 to 200' })
  @Max(200, { message: 'must be a whole number from 1 to 200' })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (same filters and sort)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;
}
