import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { MARKETING_EVENTS } from '@crm/contracts';
import { JobRunner } from '@crm/jobs';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed, type FieldProblem } from '@crm/platform';
import { nextStatus, type CampaignAction } from './campaign-status';
import { countsOf, findCampaign, toCampaignView, toPayload, type CampaignRow } from './campaigns.repository';
import type { CreateCampaignDto, MessagesQuery } from './dto/campaign.dto';

export const CAMPAIGN_START_JOB = 'marketing-campaign-start';
export const CAMPAIGN_SEND_JOB = 'marketing-campaign-send';

@Injectable()
export class CampaignsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly jobs: JobRunner,
  ) {}

  async create(dto: CreateCampaignDto) {
    return inTransaction(this.dataSource, async (m) => {
      const problems: FieldProblem[] = [];
      for (const [field, id] of [
        ['templateId', dto.templateId],
        ['templateBId', dto.templateBId],
      ] as const) {
        if (!id) continue;
        const [t]: { channel: string }[] = await m.query(`SELECT channel FROM templates WHERE id = $1`, [id]);
        if (!t) problems.push({ field, message: `no template ${id}` });
        else if (t.channel !== dto.channel)
          problems.push({ field, message: `is a ${t.channel} template, not ${dto.channel}` });
      }
      for (const field of ['segmentIds', 'excludeSegmentIds'] as const) {
        const ids = dto[field] ?? [];
        if (!ids.length) continue;
        const found: { id: string }[] = await m.query(`SELECT id FROM segments WHERE id = ANY($1::uuid[])`, [ids]);
        const missing = ids.filter((id) => !found.some((f) => f.id === id.toLowerCase()));
        if (missing.length) problems.push({ field, message: `no segment ${missing.join(', ')}` });
      }
      if (!dto.segmentIds?.length && !dto.contactIds?.length)
        problems.push({ field: 'segmentIds', message: 'a campaign needs segmentIds or contactIds' });
      if (dto.splitBPercent && !dto.templateBId)
        problems.push({ field: 'templateBId', message: 'an A/B split needs the B template' });
      if (dto.promotionId) {
        const [p]: unknown[] = await m.query(`SELECT 1 FROM promotions WHERE id = $1`, [dto.promotionId]);
        if (!p) problems.push({ field: 'promotionId', message: `no promotion ${dto.promotionId}` });
      }
      if (problems.length) throw validationFailed(problems);
      const id = uuidv7();
      await m.query(
        `INSERT INTO campaigns (id, name, channel, template_id, template_b_id, split_b_percent, winner_metric, segment_ids,
           exclude_segment_ids, contact_ids, throttle_per_minute, cost_minor, currency, promotion_id, utm_source, utm_medium, utm_campaign)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
        [
          id,
          dto.name,
          dto.channel,
          dto.templateId,
          dto.templateBId ?? null,
          dto.splitBPercent ?? 0,
          dto.winnerMetric ?? null,
          dto.segmentIds ?? [],
          dto.excludeSegmentIds ?? [],
          [...new Set(dto.contactIds ?? [])],
          dto.throttlePerMinute ?? null,
          dto.costMinor ?? null,
          dto.currency ?? null,
          dto.promotionId ?? null,
          dto.utmSource ?? 'crm',
          dto.utmMedium ?? dto.channel,
          dto.utmCampaign ?? null,
        ],
      );
      return this.view(m, id);
    });
  }

  async view(m: EntityManager, id: string) {
    const row = await findCampaign(m, id);
    return toCampaignView(row, await countsOf(m, id));
  }

  get(id: string) {
    return this.view(this.dataSource.manager, id);
  }

  async list(page: { limit?: number; cursor?: string }) {
    const limit = page.limit ?? 50;
    const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : null;
    const rows: CampaignRow[] = await this.dataSource.query(
      `SELECT * FROM campaigns WHERE ($1::uuid IS NULL OR id < $1::uuid) ORDER BY id DESC LIMIT $2`,
      [after, limit + 1],
    );
    const items = [];
    for (const r of rows.slice(0, limit)) items.push(toCampaignView(r, await countsOf(this.dataSource.manager, r.id)));
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  /** Schedules now or at a time: the start is a durable job due then. */
  async schedule(id: string, sendAt?: string) {
    return inTransaction(this.dataSource, async (m) => {
      const row = await findCampaign(m, id, true);
      const status = nextStatus(row.status, 'schedule');
      const at = sendAt ? new Date(sendAt) : new Date();
      await m.query(
        `UPDATE campaigns SET status = $2, send_at = $3, version = version + 1, updated_at = now() WHERE id = $1`,
        [id, status, at],
      );
      await this.jobs.send(CAMPAIGN_START_JOB, { campaignId: id }, { startAfter: at, singletonKey: id }, m);
      const updated = await findCampaign(m, id);
      await this.events.publish(m, {
        type: MARKETING_EVENTS.campaignScheduled,
        subject: id,
        version: updated.version,
        data: toPayload(updated),
      });
      return this.view(m, id);
    });
  }

  async act(id: string, action: Extract<CampaignAction, 'pause' | 'resume' | 'cancel'>) {
    return inTransaction(this.dataSource, async (m) => {
      const row = await findCampaign(m, id, true);
      const status = nextStatus(row.status, action);
      await m.query(`UPDATE campaigns SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, [
        id,
        status,
      ]);
      if (action === 'resume') await this.jobs.send(CAMPAIGN_SEND_JOB, { campaignId: id }, { singletonKey: id }, m);
      return this.view(m, id);
    });
  }

  async messages(id: string, q: MessagesQuery) {
    await findCampaign(this.dataSource.manager, id);
    const limit = q.limit ?? 50;
    const after = q.cursor ? String(decodeCursor(q.cursor, 1)[0]) : null;
    const rows: {
      id: string;
      contact_id: string;
      variant: string;
      status: string;
      reason: string | null;
      sent_at: Date | null;
      coupon_code: string | null;
    }[] = await this.dataSource.query(
      `SELECT id, contact_id, variant, status, reason, sent_at, coupon_code FROM campaign_messages
        WHERE campaign_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR id > $3::uuid)
        ORDER BY id LIMIT $4`,
      [id, q.status ?? null, after, limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => ({
      id: r.id,
      contactId: r.contact_id,
      variant: r.variant,
      status: r.status,
      reason: r.reason,
      sentAt: r.sent_at?.toISOString() ?? null,
      couponCode: r.coupon_code,
    }));
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  /** Touchpoints by kind and variant, conversion revenue and ROI against the campaign's cost. */
  async report(id: string) {
    const row = await findCampaign(this.dataSource.manager, id);
    const rows: { variant: string | null; kind: string; n: number }[] = await this.dataSource.query(
      `SELECT cm.variant, t.kind, count(DISTINCT COALESCE(t.message_id::text, t.order_id::text, t.id::text))::int AS n
         FROM touchpoints t LEFT JOIN campaign_messages cm ON cm.id = t.message_id
        WHERE t.campaign_id = $1 GROUP BY cm.variant, t.kind`,
      [id],
    );
    const [{ revenue }]: { revenue: string }[] = await this.dataSource.query(
      `SELECT COALESCE(sum(o.total_minor), 0)::bigint AS revenue FROM touchpoints t JOIN mirror_orders o ON o.order_id = t.order_id
        WHERE t.campaign_id = $1 AND t.kind = 'converted' AND o.status NOT IN ('cancelled', 'refunded')`,
      [id],
    );
    const byKind: Record<string, number> = {};
    const byVariant: Record<string, Record<string, number>> = {};
    for (const r of rows) {
      byKind[r.kind] = (byKind[r.kind] ?? 0) + r.n;
      if (r.variant) (byVariant[r.variant] ??= {})[r.kind] = r.n;
    }
    const metric = row.winner_metric ?? 'clicked';
    const [a, b] = [byVariant['A']?.[metric] ?? 0, byVariant['B']?.[metric] ?? 0];
    const cost = row.cost_minor === null ? null : Number(row.cost_minor);
    return {
      campaignId: id,
      touchpoints: byKind,
      variants: byVariant,
      winner: row.template_b_id ? (a === b ? null : a > b ? 'A' : 'B') : null,
      winnerMetric: row.template_b_id ? metric : null,
      revenueMinor: Number(revenue),
      costMinor: cost,
      roi: cost ? (Number(revenue) - cost) / cost : null,
    };
  }
}
