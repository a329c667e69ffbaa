import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, inTransaction, isUuid, uuidv7 } from '@crm/persistence';
import { validationFailed, type FieldProblem, type Page, type PageQueryDto } from '@crm/platform';
import { salesError } from '../shared/sales-errors';
import type { AddStageDto, CreatePipelineDto, StageDto, UpdateStageDto } from './dto/pipeline.dto';
import { pipelineView, stageView, type PipelineView, type StageRow, type StageView } from './pipeline-view';
import { pipelinesRepository as repo } from './pipelines.repository';
import { DEFAULT_STAGES, probabilityProblem, STAGE_KINDS } from './stage-kinds';

/** What the board and the pipeline view can hold; retired stages count towards the second. */
const MAX_ACTIVE_STAGES = 30;
const MAX_STAGES = 200;

function stageProblems(stages: StageDto[], field = 'stages'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  stages.forEach((s, i) => {
    const p = probabilityProblem(s.kind, s.probability);
    if (p) problems.push({ field: `${field}.${i}.probability`, message: p });
  });
  const names = stages.map((s) => s.name.trim().toLowerCase());
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) problems.push({ field: `${field}.${i}.name`, message: 'is the name of another stage' });
  });
  return problems;
}

/** Every pipeline keeps an active open, won and lost stage, or deals could not move through it. */
function requireEveryKind(stages: { kind: string }[]): void {
  const missing = STAGE_KINDS.filter((k) => !stages.some((s) => s.kind === k));
  if (missing.length)
    throw salesError('PIPELINE_STAGES_INCOMPLETE', `A pipeline needs an active ${missing.join(', ')} stage`, {
      missing,
      errors: [{ field: 'stages', message: `needs an active ${missing.join(', ')} stage` }],
    });
}

@Injectable()
export class PipelinesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  create(dto: CreatePipelineDto): Promise<PipelineView> {
    const stages = dto.stages ?? DEFAULT_STAGES;
    const problems = stageProblems(stages);
    if (problems.length) throw validationFailed(problems);
    requireEveryKind(stages);
    return inTransaction(this.dataSource, async (m) => {
      const id = uuidv7();
      const name = dto.name.trim();
      if (!(await repo.insertPipeline(m, id, name))) throw this.nameTaken(name);
      for (const [position, s] of stages.entries()) {
        await repo.insertStage(m, {
          id: uuidv7(),
          pipelineId: id,
          name: s.name.trim(),
          kind: s.kind,
          probability: s.probability,
          position,
        });
      }
      return this.view(m, id);
    });
  }

  get(id: string): Promise<PipelineView> {
    return this.view(this.dataSource.manager, id);
  }

  async list(page: PageQueryDto): Promise<Page<PipelineView>> {
    const limit = page.limit ?? 50;
    let after: string | null = null;
    if (page.cursor) {
      const [value] = decodeCursor(page.cursor, 1);
      if (typeof value !== 'string' || !isUuid(value))
        throw salesError('CURSOR_INVALID', 'The cursor is not valid', {
          errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }],
        });
      after = value;
    }
    const m = this.dataSource.manager;
    const rows = await repo.page(m, after, limit + 1);
    const items = rows.slice(0, limit);
    const stages = items.length
      ? await repo.stages(
          m,
          items.map((p) => p.id),
        )
      : [];
    return {
      items: items.map((p) =>
        pipelineView(
          p,
          stages.filter((s) => s.pipeline_id === p.id),
        ),
      ),
      nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null,
    };
  }

  rename(id: string, name: string, expectedVersion?: number): Promise<PipelineView> {
    return inTransaction(this.dataSource, async (m) => {
      await this.lock(m, id, expectedVersion);
      if (!(await repo.rename(m, id, name.trim()))) throw this.nameTaken(name.trim());
      await repo.bump(m, id);
      return this.view(m, id);
    });
  }

  addStage(id: string, dto: AddStageDto, expectedVersion?: number): Promise<StageView> {
    const problems = stageProblems([dto], 'stage').map((p) => ({ ...p, field: p.field.replace(/^stage\.0\./, '') }));
    if (problems.length) throw validationFailed(problems);
    return inTransaction(this.dataSource, async (m) => {
      await this.lock(m, id, expectedVersion);
      const all = await repo.stages(m, [id]);
      const active = all.filter((s) => !s.retired_at);
      if (active.length >= MAX_ACTIVE_STAGES || all.length >= MAX_STAGES)
        throw validationFailed([
          {
            field: 'stages',
            message: `a pipeline holds at most ${MAX_ACTIVE_STAGES} active and ${MAX_STAGES} stages in all (retired ones count)`,
          },
        ]);
      if (active.some((s) => s.name.toLowerCase() === dto.name.trim().toLowerCase()))
        throw validationFailed([{ field: 'name', message: 'is the name of another stage of this pipeline' }]);
      const stageId = uuidv7();
      const position = Math.min(dto.position ?? active.length, active.length);
      await repo.insertStage(m, {
        id: stageId,
        pipelineId: id,
        name: dto.name.trim(),
        kind: dto.kind,
        probability: dto.probability,
        position,
      });
      const order = active.map((s) => s.id);
      order.splice(position, 0, stageId);
      await repo.reorder(m, order);
      await repo.bump(m, id);
      return stageView((await repo.stage(m, stageId)) as StageRow);
    });
  }

  async getStage(id: string, stageId: string): Promise<StageView> {
    return stageView(await this.stageOf(this.dataSource.manager, id, stageId));
  }

  /** Renames a stage or changes its probability; deals in it and their history stay as they are. */
  updateStage(id: string, stageId: string, dto: UpdateStageDto, expectedVersion?: number): Promise<StageView> {
    return inTransaction(this.dataSource, async (m) => {
      await this.lock(m, id, expectedVersion);
      const stage = await this.stageOf(m, id, stageId);
      const name = dto.name?.trim() ?? stage.name;
      const probability = dto.probability ?? stage.probability;
      const p = probabilityProblem(stage.kind, probability);
      if (p) throw validationFailed([{ field: 'probability', message: p }]);
      const others = (await repo.stages(m, [id])).filter((s) => !s.retired_at && s.id !== stageId);
      if (others.some((s) => s.name.toLowerCase() === name.toLowerCase()))
        throw validationFailed([{ field: 'name', message: 'is the name of another stage of this pipeline' }]);
      await repo.updateStage(m, stageId, name, probability);
      await repo.bump(m, id);
      return stageView((await repo.stage(m, stageId)) as StageRow);
    });
  }

  reorder(id: string, stageIds: string[], expectedVersion?: number): Promise<PipelineView> {
    return inTransaction(this.dataSource, async (m) => {
      await this.lock(m, id, expectedVersion);
      const active = (await repo.stages(m, [id])).filter((s) => !s.retired_at);
      const given = new Set(stageIds);
      if (given.size !== active.length || active.some((s) => !given.has(s.id))) {
        throw salesError('STAGE_ORDER_INVALID', 'stageIds must name every active stage of the pipeline once', {
          errors: [{ field: 'stageIds', message: `must name each of the ${active.length} active stages once` }],
        });
      }
      await repo.reorder(m, stageIds);
      await repo.bump(m, id);
      return this.view(m, id);
    });
  }

  /**
   * Locks the pipeline and checks the version the caller last read. Every
   * stage change moves the pipeline's version, so a stale board cannot reorder.
   */
  async lock(m: EntityManager, id: string, expectedVersion?: number): Promise<void> {
    const p = await repo.pipeline(m, id, true);
    if (!p) throw salesError('PIPELINE_NOT_FOUND', `No pipeline ${id}`);
    if (expectedVersion !== undefined && p.version !== expectedVersion)
      throw salesError('VERSION_CONFLICT', `Pipeline ${id} is at version ${p.version}, not ${expectedVersion}`, {
        currentVersion: p.version,
      });
  }

  async stageOf(m: EntityManager, pipelineId: string, stageId: string): Promise<StageRow> {
    const stage = await repo.stage(m, stageId);
    if (!stage || stage.pipeline_id !== pipelineId)
      throw salesError('STAGE_NOT_FOUND', `No stage ${stageId} in pipeline ${pipelineId}`);
    return stage;
  }

  async view(m: EntityManager, id: string): Promise<PipelineView> {
    const p = await repo.pipeline(m, id);
    if (!p) throw salesError('PIPELINE_NOT_FOUND', `No pipeline ${id}`);
    return pipelineView(p, await repo.stages(m, [id]));
  }

  private nameTaken(name: string) {
    return salesError('PIPELINE_NAME_TAKEN', `A pipeline named "${name}" exists`, {
      errors: [{ field: 'name', message: 'is the name of another pipeline' }],
    });
  }
}
