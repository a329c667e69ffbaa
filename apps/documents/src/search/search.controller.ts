import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPage, RequirePermission } from '@crm/platform';
import { SearchQueryDto } from '../documents/dto/document.dto';
import { SearchHitDto } from '../documents/dto/document-view.dto';
import { SearchService } from './search.service';

@ApiTags('documents')
@Controller('documents/search')
export class SearchController {
  constructor(private readonly searchService: SearchService) {}

  @Get()
  @RequirePermission('documents:read')
  @ApiOperation({
    summary:
      'Full-text search over titles, tags, file names and extracted text in web-search syntax ("phrase", or, -word), ranked, with highlighted snippets; filters as the listing',
  })
  @ApiPage(SearchHitDto)
  search(@Query() query: SearchQueryDto) {
    return this.searchService.search(query);
  }
}
