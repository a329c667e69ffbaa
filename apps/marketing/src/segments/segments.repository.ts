import type { EntityManager } from 'typeorm';

export interface SegmentRow {
  id: string;
  name: string;
  description: string | null;
  kind: 'dynamic' | 'static';
  definition: unknown;
  version: number;
  definition_version: number;
  status: 'building' | 'ready';
  built_version: number;
  build_total: number;
  build_done: number;
  build_started_at: Date | null;
  built_at: Date | null;
  build_ms: number | null;
  created_at: Date;
  updated_at: Date;
  members?: number;
}

export interface SegmentView {
  id: string;
  name: string;
  description: string | null;
  kind: 'dynamic' | 'static';
  definition: unknown;
  version: number;
  members: number;
  build: {
    status: 'building' | 'ready';
    definitionVersion: number;
    builtVersion: number;
    done: number;
    total: number;
    startedAt: string | null;
    builtAt: string | null;
    tookMs: number | null;
  };
  createdAt: string;
  updatedAt: string;
}

export function toSegmentView(r: SegmentRow): SegmentView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    kind: r.kind,
    definition: r.definition,
    version: r.version,
    members: Number(r.members ?? 0),
    build: {
      status: r.status,
      definitionVersion: r.definition_version,
      builtVersion: r.built_version,
      done: r.build_done,
      total: r.build_total,
      startedAt: r.build_started_at?.toISOString() ?? null,
      builtAt: r.built_at?.toISOString() ?? null,
      tookMs: r.build_ms,
    },
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export const SEGMENT_SELECT = `SELECT s.*, (SELECT count(*) FROM segment_members sm WHERE sm.segment_id = s.id)::int AS members FROM segments s`;

export async function findSegment(manager: EntityManager, id: string, lock = false): Promise<SegmentRow | undefined> {
  const rows: SegmentRow[] = await manager.query(`${SEGMENT_SELECT} WHERE s.id = $1`, [id]);
  if (lock && rows.length) await manager.query(`SELECT 1 FROM segments WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}
