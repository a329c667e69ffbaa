import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, ApiOkResponse } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { SearchService } from './search.service';
import { SearchAnswerDto } from './dto/search-answer.dto';

class SearchQueryDto {
  @ApiProperty({ example: 'lovelace', minLength: 2, maxLength: 200 })
  @IsString()
  @Length(2, 200)
  q!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10, description: 'Hits per service' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

@ApiTags('search')
@Controller('api/v1/search')
export class SearchController {
  constructor(private readonly searches: SearchService) {}

  @Get()
  @RequirePermission('contacts:read')
  @ApiOperation({
    summary:
      'One search across the services that answer it, hits grouped by kind; services that did not answer are listed under `missing`',
  })
  @ApiOkResponse({ type: SearchAnswerDto })
  search(@Query() query: SearchQueryDto, @CurrentPrincipal() caller: Principal) {
    return this.searches.search(query.q, query.limit ?? 10, caller);
  }
}
