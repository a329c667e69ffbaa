import type { EntityManager } from 'typeorm';
import type { DealRow } from './deal.mapper';
import type { DealStatus } from './deal-stage-machine';

/** The deal with its stage, lost reason and mirrored contact; `d` is the deals row. */
export const DEAL_SELECT = `
  SELECT d.id, d.pipeline_id, d.stage_id, s.name AS stage_name, s.probability, d.status, d.name,
         d.contact_id, d.account_id, d.owner_id, d.amount, d.currency, d.expected_close_date::text AS expected_close_date,
         d.source_campaign, d.source_channel, d.tags, d.custom_fields, d.stage_entered_at, d.closed_at, d.closed_by,
         d.lost_reason_id, lr.label AS lost_reason_label, d.lost_note,
         cm.display_name AS contact_display_name, cm.primary_email AS contact_primary_email,
         d.version, d.created_by, d.created_at, d.updated_at
    FROM deals d
    JOIN stages s ON s.id = d.stage_id
    LEFT JOIN lost_reasons lr ON lr.id = d.lost_reason_id
    LEFT JOIN contact_mirror cm ON cm.contact_id = d.contact_id`;

export interface NewDeal {
  id: string;
  pipelineId: string;
  stageId: string;
  name: string;
  contactId: string | null;
  accountId: string | null;
  ownerId: string | null;
  amount: number;
  currency: string;
  expectedCloseDate: string | null;
  sourceCampaign: string | null;
  sourceChannel: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
  createdBy: string | null;
  at: Date;
}

export interface DealChanges {
  name: string;
  contactId: string | null;
  accountId: string | null;
  ownerId: string | null;
  amount: number;
  currency: string;
  expectedCloseDate: string | null;
  sourceCampaign: string | null;
  sourceChannel: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
}

export interface StageMove {
  dealId: string;
  historyId: string;
  fromStageId: string | null;
  toStageId: string;
  status: DealStatus;
  by: string | null;
  at: Date;
  secondsInFromStage: number | null;
  reopened: boolean;
  closes: boolean;
  lostReasonId: string | null;
  lostNote: string | null;
}

/** The SQL of deals and their stage history, in one place. */
export const dealsRepository = {
  async get(m: EntityManager, id: string): Promise<DealRow | undefined> {
    const rows: DealRow[] = await m.query(`${DEAL_SELECT} WHERE d.id = $1`, [id]);
    return rows[0];
  },

  /** Locks the deal row for the transaction; answers its version and stage entry time, or undefined. */
  async lock(
    m: EntityManager,
    id: string,
  ): Promise<
    { version: number; stage_entered_at: Date; pipeline_id: string; stage_id: string; status: DealStatus } | undefined
  > {
    const rows: {
      version: number;
      stage_entered_at: Date;
      pipeline_id: string;
      stage_id: string;
      status: DealStatus;
    }[] = await m.query(
      `SELECT version, stage_entered_at, pipeline_id, stage_id, status FROM deals WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0];
  },

  async insert(m: EntityManager, d: NewDeal): Promise<void> {
    await m.query(
      `INSERT INTO deals (id, pipeline_id, stage_id, status, name, contact_id, account_id, owner_id, amount, currency,
                          expected_close_date, source_campaign, source_channel, tags, custom_fields, stage_entered_at,
                          created_by, created_at, updated_at)
       VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $15, $15)`,
      [
        d.id,
        d.pipelineId,
        d.stageId,
        d.name,
        d.contactId,
        d.accountId,
        d.ownerId,
        d.amount,
        d.currency,
        d.expectedCloseDate,
        d.sourceCampaign,
        d.sourceChannel,
        d.tags,
        JSON.stringify(d.customFields),
        d.at,
        d.createdBy,
      ],
    );
  },

  async update(m: EntityManager, id: string, c: DealChanges): Promise<void> {
    await m.query(
      `UPDATE deals SET name = $2, contact_id = $3, account_id = $4, owner_id = $5, amount = $6, currency = $7,
              expected_close_date = $8, source_campaign = $9, source_channel = $10, tags = $11, custom_fields = $12,
              version = version + 1, updated_at = clock_timestamp()
        WHERE id = $1`,
      [
        id,
        c.name,
        c.contactId,
        c.accountId,
        c.ownerId,
        c.amount,
        c.currency,
        c.expectedCloseDate,
        c.sourceCampaign,
        c.sourceChannel,
        c.tags,
        JSON.stringify(c.customFields),
      ],
    );
  },

  /** Moves the deal and writes the history row; closing sets who and when, reopening clears them. */
  async move(m: EntityManager, mv: StageMove): Promise<void> {
    await m.query(
      `UPDATE deals SET stage_id = $2, status = $3, stage_entered_at = $4::timestamptz,
              closed_at = CASE WHEN $5::boolean THEN $4::timestamptz END,
              closed_by = CASE WHEN $5::boolean THEN $6::text END,
              lost_reason_id = $7, lost_note = $8,
              version = version + 1, updated_at = $4::timestamptz
        WHERE id = $1`,
      [mv.dealId, mv.toStageId, mv.status, mv.at, mv.closes, mv.by, mv.lostReasonId, mv.lostNote],
    );
    await this.history(m, mv);
  },

  async history(m: EntityManager, mv: StageMove): Promise<void> {
    await m.query(
      `INSERT INTO deal_stage_history (id, deal_id, from_stage_id, to_stage_id, moved_by, moved_at, seconds_in_from_stage, reopened)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [mv.historyId, mv.dealId, mv.fromStageId, mv.toStageId, mv.by, mv.at, mv.secondsInFromStage, mv.reopened],
    );
  },

  historyOf(
    m: EntityManager,
    dealId: string,
  ): Promise<
    {
      id: string;
      from_stage_id: string | null;
      from_stage_name: string | null;
      to_stage_id: string;
      to_stage_name: string;
      moved_by: string | null;
      moved_at: Date;
      seconds_in_from_stage: string | null;
      reopened: boolean;
      left_at: Date | null;
    }[]
  > {
    return m.query(
      `SELECT h.id, h.from_stage_id, fs.name AS from_stage_name, h.to_stage_id, ts.name AS to_stage_name,
              h.moved_by, h.moved_at, h.seconds_in_from_stage, h.reopened,
              lead(h.moved_at) OVER (ORDER BY h.moved_at, h.id) AS left_at
         FROM deal_stage_history h
         JOIN stages ts ON ts.id = h.to_stage_id
         LEFT JOIN stages fs ON fs.id = h.from_stage_id
        WHERE h.deal_id = $1
        ORDER BY h.moved_at, h.id
        LIMIT 1000`,
      [dealId],
    );
  },
};
