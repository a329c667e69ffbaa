import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@crm/platform';
import { PipelineIdParams } from '../pipelines/dto/pipeline.dto';
import { BoardService } from './board.service';
import { BoardDto, BoardQuery } from './dto/board.dto';

@ApiTags('pipelines')
@Controller('pipelines')
export class BoardController {
  constructor(private readonly boards: BoardService) {}

  @Get(':id/board')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'The pipeline board: deals grouped by active stage, with counts and sums per currency' })
  @ApiOkResponse({ type: BoardDto })
  board(@Param() { id }: PipelineIdParams, @Query() query: BoardQuery) {
    return this.boards.board(id, query.ownerId, query.dealsPerStage ?? 20);
  }
}
