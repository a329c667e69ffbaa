import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags, ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequirePermission, validationFailed, ApiIfMatch, ApiPage, ApiProblem } from '@crm/platform';
import { CustomFieldFiltersInterceptor } from '../search/custom-field-filters.interceptor';
import { SearchQueryDto } from '../search/dto/search-query.dto';
import { SearchService, type PersonSearchPage } from '../search/search.service';
import { ContactIdParams, CreatePersonDto, UpdatePersonDto } from './dto/person.dto';
import { PeopleService } from './people.service';
import type { PersonView } from './person-view';
import { PersonViewDto } from './dto/person-view.dto';
import { PersonHitDto } from '../search/dto/person-hit.dto';

/** `"3"`, `W/"3"` or `3` is version 3; `*` matches any version. */
function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const value = header.replace(/^W\//, '').replace(/"/g, '').trim();
  if (!/^\d{1,9}$/.test(value))
    throw validationFailed([{ field: 'If-Match', message: 'must be the contact version, e.g. "3"' }]);
  return Number(value);
}

function withEtag(reply: FastifyReply, view: PersonView): PersonView {
  void reply.header('etag', `"${view.version}"`);
  return view;
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
  @ApiOperation({ summary: 'Create a person; emits crm.contacts.contact.created' })
  @ApiResponse({ status: 201, description: 'The person, version 1', type: PersonViewDto })
  @ApiResponse({ status: 409, description: 'CONTACT_EMAIL_TAKEN: an email belongs to an active contact (existingId)' })
  async create(@Body() dto: CreatePersonDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.people.create(dto));
  }

  @Get()
  @RequirePermission('contacts:read')
  @UseInterceptors(CustomFieldFiltersInterceptor)
  @ApiOperation({ summary: 'Search active people: full-text and fuzzy q, filters, keyset pages' })
  @ApiQuery({
    name: 'cf.<key>',
    required: false,
    description: 'Custom field equals this value (repeat for any of several)',
  })
  @ApiPage(PersonHitDto)
  search(@Query() query: SearchQueryDto): Promise<PersonSearchPage> {
    return this.searchService.search(query);
  }

  @Get(':id')
  @RequirePermission('contacts:read')
  @ApiOperation({
    summary: 'One person; 410 CONTACT_MERGED (mergedInto) for a merged one, an erased one is shown anonymised',
  })
  @ApiOkResponse({ type: PersonViewDto, description: 'The person; its version is the ETag' })
  @ApiProblem(410, 'CONTACT_MERGED: merged into another contact, named by mergedInto')
  async get(@Param() { id }: ContactIdParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.people.get(id));
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('contacts:write')
  @ApiOperation({ summary: 'Change a person (version + 1); emits crm.contacts.contact.updated' })
  @ApiIfMatch()
  @ApiOkResponse({ type: PersonViewDto, description: 'The person as changed' })
  @ApiProblem(409, 'CONTACT_EMAIL_TAKEN (existingId), or CONTACT_ERASED: an erased contact can no longer change')
  @ApiProblem(410, 'CONTACT_MERGED: merged into another contact, named by mergedInto')
  async update(
    @Param() { id }: ContactIdParams,
    @Body() dto: UpdatePersonDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ) {
    return withEtag(reply, await this.people.update(id, dto, parseIfMatch(ifMatch)));
  }
}
