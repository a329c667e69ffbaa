import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, validationFailed, type Principal } from '@crm/platform';
import { SearchQueryDto } from '../search/dto/search-query.dto';
import { SearchService } from '../search/search.service';
import { ContactIdParams, CreatePersonDto, UpdatePersonDto } from './dto/person.dto';
import { PeopleService } from './people.service';

function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.replace(/^W\//, '').replace(/"/g, '').trim();
  if (!/^\d{1,9}$/.test(value)) throw validationFailed([{ field: 'If-Match', message: 'must be the contact version, e.g. "3"' }]);
  return Number(value);
}

@ApiTags('contacts')
@Controller('contacts')
export class PeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly searchService: SearchService,
  ) {}

  @Post()
  @RequirePermission('contacts:write')
  create(@Body() dto: CreatePersonDto, @CurrentPrincipal() by: Principal) {
    return this.people.create(dto, by);
  }

  @Get()
  @RequirePermission('contacts:read')
  search(@Query() query: SearchQueryDto) {
    return this.searchService.search(query);
  }

  @Get(':id')
  @RequirePermission('contacts:read')
  get(@Param() { id }: ContactIdParams) {
    return this.people.get(id);
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('contacts:write')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version last read' })
  update(@Param() { id }: ContactIdParams, @Body() dto: UpdatePersonDto, @Headers('if-match') ifMatch?: string) {
    return this.people.update(id, dto, parseIfMatch(ifMatch));
  }
}
