import type { StageKind } from './stage-kinds';

export interface StageView {
  id: string;
  pipelineId: string;
  name: string;
  kind: StageKind;
  probability: number;
  position: number;
  retiredAt: string | null;
}

export interface PipelineView {
  id: string;
  name: string;
  version: number;
  stages: StageView[];
  retiredStages: StageView[];
  createdAt: string;
  updatedAt: string;
}

export interface StageRow {
  id: string;
  pipeline_id: string;
  name: string;
  kind: StageKind;
  probability: number;
  position: number;
  retired_at: Date | null;
}

export interface PipelineRow {
  id: string;
  name: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function stageView(r: StageRow): StageView {
  return {
    id: r.id,
    pipelineId: r.pipeline_id,
    name: r.name,
    kind: r.kind,
    probability: r.probability,
    position: r.position,
    retiredAt: r.retired_at ? r.retired_at.toISOString() : null,
  };
}

export function pipelineView(p: PipelineRow, stages: StageRow[]): PipelineView {
  const active = stages.filter((s) => !s.retired_at).sort((a, b) => a.position - b.position);
  const retired = stages.filter((s) => s.retired_at);
  return {
    id: p.id,
    name: p.name,
    version: p.version,
    stages: active.map(stageView),
    retiredStages: retired.map(stageView),
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
}
