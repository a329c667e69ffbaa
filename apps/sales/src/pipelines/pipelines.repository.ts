import type { EntityManager } from 'typeorm';
import type { PipelineRow, StageRow } from './pipeline-view';
import type { StageKind } from './stage-kinds';

const STAGE_COLUMNS = 'id, pipeline_id, name, kind, probability, position, retired_at';

/** The SQL of pipelines and stages, in one place. */
export const pipelinesRepository = {
  async insertPipeline(m: EntityManager, id: string, name: string): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `INSERT INTO pipelines (id, name) VALUES ($1, $2) ON CONFLICT ((lower(name))) DO NOTHING RETURNING id`,
      [id, name],
    );
    return rows.length > 0;
  },

  async insertStage(
    m: EntityManager,
    s: { id: string; pipelineId: string; name: string; kind: StageKind; probability: number; position: number },
  ): Promise<void> {
    await m.query(
      `INSERT INTO stages (id, pipeline_id, name, kind, probability, position) VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.id, s.pipelineId, s.name, s.kind, s.probability, s.position],
    );
  },

  async pipeline(m: EntityManager, id: string, lock = false): Promise<PipelineRow | undefined> {
    const rows: PipelineRow[] = await m.query(
      `SELECT id, name, version, created_at, updated_at FROM pipelines WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  },

  stages(m: EntityManager, pipelineIds: string[]): Promise<StageRow[]> {
    return m.query(`SELECT ${STAGE_COLUMNS} FROM stages WHERE pipeline_id = ANY($1) ORDER BY position, id`, [
      pipelineIds,
    ]);
  },

  async stage(m: EntityManager, id: string): Promise<StageRow | undefined> {
    const rows: StageRow[] = await m.query(`SELECT ${STAGE_COLUMNS} FROM stages WHERE id = $1`, [id]);
    return rows[0];
  },

  page(m: EntityManager, after: string | null, limit: number): Promise<PipelineRow[]> {
    return m.query(
      `SELECT id, name, version, created_at, updated_at FROM pipelines
        WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [after, limit],
    );
  },

  async rename(m: EntityManager, id: string, name: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, count].
    const [, count] = (await m.query(
      `UPDATE pipelines SET name = $2 WHERE id = $1
         AND NOT EXISTS (SELECT 1 FROM pipelines WHERE lower(name) = lower($2) AND id <> $1) RETURNING id`,
      [id, name],
    )) as [unknown[], number];
    return count > 0;
  },

  async bump(m: EntityManager, id: string): Promise<void> {
    await m.query(`UPDATE pipelines SET version = version + 1, updated_at = clock_timestamp() WHERE id = $1`, [id]);
  },

  async updateStage(m: EntityManager, id: string, name: string, probability: number): Promise<void> {
    await m.query(`UPDATE stages SET name = $2, probability = $3, updated_at = clock_timestamp() WHERE id = $1`, [
      id,
      name,
      probability,
    ]);
  },

  /** Rewrites the positions of the active stages to 0..n-1 in the given order. */
  async reorder(m: EntityManager, stageIds: string[]): Promise<void> {
    await m.query(
      `UPDATE stages s SET position = o.ord - 1, updated_at = clock_timestamp()
         FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, ord) WHERE s.id = o.id`,
      [stageIds],
    );
  },

  async retire(m: EntityManager, id: string): Promise<void> {
    await m.query(`UPDATE stages SET retired_at = clock_timestamp(), updated_at = clock_timestamp() WHERE id = $1`, [
      id,
    ]);
  },

  async openDealsIn(m: EntityManager, stageId: string): Promise<string[]> {
    const rows: { id: string }[] = await m.query(
      `SELECT id FROM deals WHERE stage_id = $1 AND status = 'open' ORDER BY id FOR UPDATE`,
      [stageId],
    );
    return rows.map((r) => r.id);
  },
};
