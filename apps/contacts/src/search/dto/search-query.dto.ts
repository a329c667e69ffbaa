import { ApiHideProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO31661Alpha2,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { LIFECYCLE_STAGES } from '../../people/person.entity';
import { SOURCE_CHANNELS } from '../../people/dto/person.dto';
import { PageQueryDto } from '@crm/platform';
import { IsGivenOnce } from '../../shared/validators';

export const SORTS = ['createdAt', '-createdAt', 'name', '-name', 'relevance'] as const;
export type Sort = (typeof SORTS)[number];

/** The filters a contact list takes, in a search and in an export. */
export class ContactFiltersDto {
  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    items: { type: 'string', maxLength: 50 },
    description: 'People carrying this tag; repeat (tag=a&tag=b) for people carrying any of them',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tag?: string[];

  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES }) @IsOptional() @IsGivenOnce() @IsIn(LIFECYCLE_STAGES) stage?: string;
  @ApiPropertyOptional({ example: 'FR', minLength: 2, maxLength: 2 })
  @IsOptional()
  @IsGivenOnce()
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' })
  country?: string;
  @ApiPropertyOptional({ enum: SOURCE_CHANNELS })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(SOURCE_CHANNELS)
  sourceChannel?: string;

  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsGivenOnce() @IsString() @MaxLength(100) owner?: string;

  /** Built from `cf.<key>=value` parameters by CustomFieldFiltersInterceptor; checked by the search service. */
  @ApiHideProperty()
  @IsOptional()
  @IsObject({ message: 'custom field filters are written cf.<key>=value' })
  cf?: Record<string, unknown>;
}

/** Filters and sort of a search; `limit` and `cursor` as on every keyset page. */
export class SearchQueryDto extends IntersectionType(PageQueryDto, ContactFiltersDto) {
  @ApiPropertyOptional({
    description: 'Full-text and fuzzy (trigram) search over names, emails and company name',
    maxLength: 200,
  })
  @IsOptional()
  @IsGivenOnce()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: SORTS, description: 'Default: relevance with q, else -createdAt' })
  @IsOptional()
  @IsGivenOnce()
  @IsIn(SORTS)
  sort?: Sort;
}
