import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { StageView } from '../pipelines/pipeline-view';
import { PipelinesService } from '../pipelines/pipelines.service';

export interface BoardTotal {
  currency: string;
  count: number;
  amountMinor: number;
  weightedMinor: number;
}

export interface BoardCard {
  id: string;
  name: string;
  amountMinor: number;
  currency: string;
  ownerId: string | null;
  contactId: string | null;
  contactName: string | null;
  expectedCloseDate: string | null;
  stageEnteredAt: string;
  version: number;
}

export interface Board {
  pipelineId: string;
  name: string;
  version: number;
  columns: { stage: StageView; count: number; totals: BoardTotal[]; deals: BoardCard[] }[];
}

/** The pipeline board: its active stages in order, each with its deal count, sums per currency and newest deals. */
@Injectable()
export class BoardService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pipelines: PipelinesService,
  ) {}

  async board(pipelineId: string, ownerId: string | undefined, perStage: number): Promise<Board> {
    const m = this.dataSource.manager;
    const pipeline = await this.pipelines.view(m, pipelineId);
    const stageIds = pipeline.stages.map((s) => s.id);
    const [sums, cards] = await Promise.all([
      m.query(
        // deal_board_totals is kept by a trigger on deals, in the transaction of each deal write.
        `SELECT t.stage_id, t.currency, sum(t.n)::int AS n, sum(t.amount)::text AS amount,
                round(sum(t.amount) * s.probability / 100.0)::text AS weighted
           FROM deal_board_totals t JOIN stages s ON s.id = t.stage_id
          WHERE t.pipeline_id = $1 AND t.stage_id = ANY($2) AND ($3::text IS NULL OR t.owner_key = $3) AND t.n > 0
          GROUP BY t.stage_id, s.probability, t.currency
          ORDER BY t.currency`,
        [pipelineId, stageIds, ownerId ?? null],
      ) as Promise<{ stage_id: string; currency: string; n: number; amount: string; weighted: string }[]>,
      perStage === 0
        ? Promise.resolve([])
        : (m.query(
            `SELECT c.* FROM unnest($1::uuid[]) AS st(id)
               CROSS JOIN LATERAL (
                 SELECT d.id, d.stage_id, d.name, d.amount::text AS amount, d.currency, d.owner_id, d.contact_id,
                        cm.display_name AS contact_name, d.expected_close_date::text AS expected_close_date,
                        d.stage_entered_at, d.version
                   FROM deals d LEFT JOIN contact_mirror cm ON cm.contact_id = d.contact_id
                  WHERE d.pipeline_id = $2 AND d.stage_id = st.id AND ($3::text IS NULL OR d.owner_id = $3)
                  ORDER BY d.id DESC LIMIT $4) c`,
            [stageIds, pipelineId, ownerId ?? null, perStage],
          ) as Promise<
            {
              id: string;
              stage_id: string;
              name: string;
              amount: string;
              currency: string;
              owner_id: string | null;
              contact_id: string | null;
              contact_name: string | null;
              expected_close_date: string | null;
              stage_entered_at: Date;
              version: number;
            }[]
          >),
    ]);
    return {
      pipelineId,
      name: pipeline.name,
      version: pipeline.version,
      columns: pipeline.stages.map((stage) => {
        const totals = sums
          .filter((s) => s.stage_id === stage.id)
          .map((s) => ({
            currency: s.currency,
            count: s.n,
            amountMinor: Number(s.amount),
            weightedMinor: Number(s.weighted),
          }));
        return {
          stage,
          count: totals.reduce((n, t) => n + t.count, 0),
          totals,
          deals: cards
            .filter((c) => c.stage_id === stage.id)
            .map((c) => ({
              id: c.id,
              name: c.name,
              amountMinor: Number(c.amount),
              currency: c.currency,
              ownerId: c.owner_id,
              contactId: c.contact_id,
              contactName: c.contact_name,
              expectedCloseDate: c.expected_close_date,
              stageEnteredAt: c.stage_entered_at.toISOString(),
              version: c.version,
            })),
        };
      }),
    };
  }
}
