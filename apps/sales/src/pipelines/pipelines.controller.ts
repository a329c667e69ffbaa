import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiIfMatch, ApiPage, ApiProblem, RequirePermission } from '@crm/platform';
import { parseIfMatch, withEtag } from '../shared/http';
import {
  AddStageDto,
  CreatePipelineDto,
  PipelineIdParams,
  PipelineListQuery,
  StageOrderDto,
  StageParams,
  UpdatePipelineDto,
  UpdateStageDto,
} from './dto/pipeline.dto';
import { PipelineViewDto, StageViewDto } from './dto/pipeline-view.dto';
import { PipelinesService } from './pipelines.service';

@ApiTags('pipelines')
@Controller('pipelines')
export class PipelinesController {
  constructor(private readonly pipelines: PipelinesService) {}

  @Post()
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Create a pipeline with its stages in board order (default stages when none are given)' })
  @ApiCreatedResponse({ type: PipelineViewDto, description: 'The pipeline, version 1' })
  @ApiProblem(409, 'PIPELINE_NAME_TAKEN: another pipeline has this name')
  @ApiProblem(422, 'PIPELINE_STAGES_INCOMPLETE: an open, a won and a lost stage are needed')
  async create(@Body() dto: CreatePipelineDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.pipelines.create(dto));
  }

  @Get()
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'Pipelines, oldest first, keyset paged' })
  @ApiPage(PipelineViewDto)
  list(@Query() query: PipelineListQuery) {
    return this.pipelines.list(query);
  }

  @Get(':id')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'One pipeline with its active and retired stages' })
  @ApiOkResponse({ type: PipelineViewDto, description: 'The pipeline; its version is the ETag' })
  async get(@Param() { id }: PipelineIdParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.pipelines.get(id));
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Rename a pipeline (version + 1)' })
  @ApiIfMatch()
  @ApiOkResponse({ type: PipelineViewDto })
  @ApiProblem(409, 'PIPELINE_NAME_TAKEN: another pipeline has this name')
  async rename(
    @Param() { id }: PipelineIdParams,
    @Body() dto: UpdatePipelineDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ) {
    return withEtag(reply, await this.pipelines.rename(id, dto.name, parseIfMatch(ifMatch)));
  }

  @Post(':id/stages')
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Add a stage at a position (default last); the pipeline version + 1' })
  @ApiIfMatch()
  @ApiCreatedResponse({ type: StageViewDto, description: 'The stage' })
  addStage(@Param() { id }: PipelineIdParams, @Body() dto: AddStageDto, @Headers('if-match') ifMatch?: string) {
    return this.pipelines.addStage(id, dto, parseIfMatch(ifMatch));
  }

  @Get(':id/stages/:stageId')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'One stage, active or retired' })
  @ApiOkResponse({ type: StageViewDto })
  getStage(@Param() { id, stageId }: StageParams) {
    return this.pipelines.getStage(id, stageId);
  }

  @Patch(':id/stages/:stageId')
  @HttpCode(200)
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Rename a stage or change its win probability; deals keep their history' })
  @ApiIfMatch()
  @ApiOkResponse({ type: StageViewDto })
  updateStage(
    @Param() { id, stageId }: StageParams,
    @Body() dto: UpdateStageDto,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.pipelines.updateStage(id, stageId, dto, parseIfMatch(ifMatch));
  }

  @Put(':id/stage-order')
  @HttpCode(200)
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Reorder the active stages: every one named once, in the new board order' })
  @ApiIfMatch()
  @ApiOkResponse({ type: PipelineViewDto })
  @ApiProblem(422, 'STAGE_ORDER_INVALID: stageIds is not every active stage once')
  async reorder(
    @Param() { id }: PipelineIdParams,
    @Body() dto: StageOrderDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ) {
    return withEtag(reply, await this.pipelines.reorder(id, dto.stageIds, parseIfMatch(ifMatch)));
  }
}
