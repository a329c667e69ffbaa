import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiPage, ApiProblem, PageQueryDto, RequirePermission } from '@crm/platform';
import { ContactParams, IdParams, parseIfMatch } from '../shared/dto';
import { CreateSegmentDto, PreviewSegmentDto, StaticMembersDto, UpdateSegmentDto } from './dto/segment.dto';
import { SegmentMemberDto, SegmentPreviewDto, SegmentViewDto } from './dto/segment-view.dto';
import { SegmentsService } from './segments.service';

@ApiTags('segments')
@Controller('segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Post()
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Create a segment; a dynamic one is built in the background (build.status, build.done)' })
  @ApiCreatedResponse({ type: SegmentViewDto, description: 'The segment, version 1; a dynamic one is building' })
  create(@Body() dto: CreateSegmentDto) {
    return this.segments.create(dto);
  }

  @Post('preview')
  @HttpCode(200)
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Count and sample of the contacts a definition holds now; saves nothing' })
  @ApiOkResponse({ type: SegmentPreviewDto })
  preview(@Body() dto: PreviewSegmentDto) {
    return this.segments.preview(dto.definition, dto.sample ?? 10);
  }

  @Get()
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Segments, newest first, keyset paged' })
  @ApiPage(SegmentViewDto)
  list(@Query() page: PageQueryDto) {
    return this.segments.list(page);
  }

  @Get(':id')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'One segment with its member count and build progress' })
  @ApiOkResponse({ type: SegmentViewDto })
  get(@Param() { id }: IdParams) {
    return this.segments.get(id);
  }

  @Patch(':id')
  @RequirePermission('marketing:write')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change a segment; a changed definition starts a full rebuild' })
  @ApiOkResponse({ type: SegmentViewDto })
  @ApiProblem(412, 'VERSION_CONFLICT')
  update(@Param() { id }: IdParams, @Body() dto: UpdateSegmentDto, @Headers('if-match') ifMatch?: string) {
    return this.segments.update(id, dto, parseIfMatch(ifMatch));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('marketing:admin')
  @ApiOperation({ summary: 'Delete a segment and its memberships' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@Param() { id }: IdParams): Promise<void> {
    await this.segments.remove(id);
  }

  @Get(':id/members')
  @RequirePermission('marketing:read')
  @ApiOperation({ summary: 'Members, keyset paged by contact id' })
  @ApiPage(SegmentMemberDto)
  members(@Param() { id }: IdParams, @Query() page: PageQueryDto) {
    return this.segments.members(id, page);
  }

  @Post(':id/members')
  @HttpCode(200)
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Add contacts to a static segment (segment entered events)' })
  @ApiOkResponse({ type: SegmentViewDto, description: 'The segment with its new member count' })
  @ApiProblem(409, 'SEGMENT_NOT_STATIC')
  add(@Param() { id }: IdParams, @Body() dto: StaticMembersDto) {
    return this.segments.addStatic(id, dto.contactIds);
  }

  @Delete(':id/members/:contactId')
  @HttpCode(204)
  @RequirePermission('marketing:write')
  @ApiOperation({ summary: 'Remove a contact from a static segment (segment left event)' })
  @ApiNoContentResponse({ description: 'Removed (or was not a member)' })
  @ApiProblem(409, 'SEGMENT_NOT_STATIC')
  async removeMember(@Param() { id, contactId }: ContactParams): Promise<void> {
    await this.segments.removeStatic(id, contactId);
  }
}
