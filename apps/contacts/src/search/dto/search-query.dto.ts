import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO31661Alpha2, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { LIFECYCLE_STAGES } from '../../people/person.entity';
import { SOURCE_CHANNELS } from '../../people/dto/person.dto';

export const SORTS = ['createdAt', '-createdAt', 'name', '-name', 'relevance'] as const;
export type Sort = (typeof SORTS)[number];

export class SearchQueryDto {
  @ApiPropertyOptional({ description: 'Full-text and fuzzy search over names, emails and company' })
  @IsOptional() @IsString() @MaxLength(200) q?: string;

  @IsOptional() @IsString() @MaxLength(50) tag?: string;
  @IsOptional() @IsIn(LIFECYCLE_STAGES) stage?: string;
  @IsOptional() @IsISO31661Alpha2() country?: string;
  @IsOptional() @IsIn(SOURCE_CHANNELS) sourceChannel?: string;
  @IsOptional() @IsString() @MaxLength(100) owner?: string;

  @ApiPropertyOptional({ description: 'Custom field filter key:value, repeatable', type: [String] })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value : [value]))
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(/^[a-z][a-z0-9_]{0,39}:.{1,200}$/, { each: true, message: 'each cf filter must be key:value' })
  cf?: string[];

  @ApiPropertyOptional({ enum: SORTS })
  @IsOptional() @IsIn(SORTS) sort?: Sort;

  @IsOptional() @Type(() => Number) @IsInt({ message: 'must be a whole number from 1 to 200' }) @Min(1) @Max(200) limit?: number;

  @IsOptional() @IsString() @MaxLength(1024) cursor?: string;
}
