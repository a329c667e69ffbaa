import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiIfMatch, ApiProblem, CurrentPrincipal, RequirePermission, type Principal } from '@crm/platform';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { inTransaction } from '@crm/persistence';
import { PipelineViewDto } from '../pipelines/dto/pipeline-view.dto';
import { RetireStageDto, StageParams } from '../pipelines/dto/pipeline.dto';
import type { PipelineView } from '../pipelines/pipeline-view';
import { pipelinesRepository } from '../pipelines/pipelines.repository';
import { PipelinesService } from '../pipelines/pipelines.service';
import { STAGE_KINDS } from '../pipelines/stage-kinds';
import { parseIfMatch } from '../shared/http';
import { salesError } from '../shared/sales-errors';
import { DealsService } from './deals.service';

/**
 * Retiring a stage lives beside deals because its open deals move first (each
 * with its history row and event); closed deals keep the retired stage, and
 * every history row keeps naming it.
 */
@ApiTags('pipelines')
@Controller('pipelines')
export class StageRetirementController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pipelines: PipelinesService,
    private readonly deals: DealsService,
  ) {}

  @Post(':id/stages/:stageId/retire')
  @HttpCode(200)
  @RequirePermission('sales:admin')
  @ApiOperation({
    summary:
      'Retire a stage: its open deals move to moveDealsTo (required if it has any); closed deals and every history row keep it',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: PipelineViewDto })
  @ApiProblem(409, 'STAGE_IN_USE: open deals are in it and moveDealsTo is not given')
  @ApiProblem(422, 'PIPELINE_STAGES_INCOMPLETE: it is the last active stage of its kind')
  retire(
    @Param() { id, stageId }: StageParams,
    @Body() dto: RetireStageDto,
    @CurrentPrincipal() by: Principal | undefined,
    @Headers('if-match') ifMatch?: string,
  ): Promise<PipelineView> {
    const expected = parseIfMatch(ifMatch);
    return inTransaction(this.dataSource, async (m) => {
      await this.pipelines.lock(m, id, expected);
      const stage = await this.pipelines.stageOf(m, id, stageId);
      if (stage.retired_at) throw salesError('STAGE_RETIRED', `Stage ${stageId} is already retired`);
      const rest = (await pipelinesRepository.stages(m, [id])).filter((s) => !s.retired_at && s.id !== stageId);
      const missing = STAGE_KINDS.filter((k) => !rest.some((s) => s.kind === k));
      if (missing.length)
        throw salesError('PIPELINE_STAGES_INCOMPLETE', `It is the last active ${stage.kind} stage of the pipeline`, {
          missing,
        });
      const open = await pipelinesRepository.openDealsIn(m, stageId);
      if (open.length && !dto.moveDealsTo)
        throw salesError('STAGE_IN_USE', `${open.length} open deals are in the stage; say where they move`, {
          openDeals: open.length,
          errors: [{ field: 'moveDealsTo', message: 'is required while open deals are in the stage' }],
        });
      if (dto.moveDealsTo) {
        const target = await pipelinesRepository.stage(m, dto.moveDealsTo);
        if (
          !target ||
          target.pipeline_id !== id ||
          target.kind !== 'open' ||
          target.retired_at ||
          target.id === stageId
        )
          throw salesError('STAGE_NOT_IN_PIPELINE', 'Open deals move to another active open stage of the pipeline', {
            errors: [{ field: 'moveDealsTo', message: 'must be another active open stage of this pipeline' }],
          });
      }
      if (open.length && dto.moveDealsTo)
        await this.deals.moveAllOpen(m, stageId, dto.moveDealsTo, by?.subject ?? null);
      await pipelinesRepository.retire(m, stageId);
      await pipelinesRepository.reorder(
        m,
        rest.sort((a, b) => a.position - b.position).map((s) => s.id),
      );
      await pipelinesRepository.bump(m, id);
      return this.pipelines.view(m, id);
    });
  }
}
