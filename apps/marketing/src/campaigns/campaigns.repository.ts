import type { EntityManager } from 'typeorm';
import type { CampaignPayload } from '@crm/contracts';
import { marketingError } from '../shared/marketing-errors';
import type { CampaignStatus } from './campaign-status';

export interface CampaignRow {
  id: string;
  name: string;
  channel: CampaignPayload['channel'];
  status: CampaignStatus;
  template_id: string;
  template_b_id: string | null;
  split_b_percent: number;
  winner_metric: string | null;
  segment_ids: string[];
  exclude_segment_ids: string[];
  contact_ids: string[];
  send_at: Date | null;
  throttle_per_minute: number | null;
  cost_minor: string | null;
  currency: string | null;
  promotion_id: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  version: number;
  started_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type Counts = Record<
  'queued' | 'pending' | 'sending' | 'sent' | 'skipped' | 'failed' | 'delivered' | 'bounced',
  number
>;

export async function findCampaign(m: EntityManager, id: string, lock = false): Promise<CampaignRow> {
  const [row]: CampaignRow[] = await m.query(`SELECT * FROM campaigns WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  if (!row) throw marketingError('CAMPAIGN_NOT_FOUND', `No campaign ${id}`);
  return row;
}

export async function countsOf(m: EntityManager, id: string): Promise<Counts & { skippedBy: Record<string, number> }> {
  const rows: { status: string; reason: string | null; n: number }[] = await m.query(
    `SELECT status, reason, count(*)::int AS n FROM campaign_messages WHERE campaign_id = $1 GROUP BY status, reason`,
    [id],
  );
  const counts: Counts = {
    queued: 0,
    pending: 0,
    sending: 0,
    sent: 0,
    skipped: 0,
    failed: 0,
    delivered: 0,
    bounced: 0,
  };
  const skippedBy: Record<string, number> = {};
  for (const r of rows) {
    counts.queued += r.n;
    const key = r.status as keyof Counts;
    if (key in counts) counts[key] += r.n;
    if (r.status === 'skipped' && r.reason) skippedBy[r.reason] = (skippedBy[r.reason] ?? 0) + r.n;
  }
  // Delivered and bounced messages were sent.
  counts.sent += counts.delivered + counts.bounced;
  return { ...counts, skippedBy };
}

export function toPayload(r: CampaignRow, counts?: Counts): CampaignPayload {
  return {
    id: r.id,
    version: r.version,
    name: r.name,
    channel: r.channel,
    status: r.status,
    sendAt: r.send_at?.toISOString() ?? null,
    costMinor: r.cost_minor === null ? null : Number(r.cost_minor),
    currency: r.currency,
    utmCampaign: r.utm_campaign,
    ...(counts
      ? { counts: { queued: counts.queued, sent: counts.sent, skipped: counts.skipped, failed: counts.failed } }
      : {}),
  };
}

export function toCampaignView(r: CampaignRow, counts: Counts & { skippedBy: Record<string, number> }) {
  return {
    id: r.id,
    name: r.name,
    channel: r.channel,
    status: r.status,
    templateId: r.template_id,
    templateBId: r.template_b_id,
    splitBPercent: r.split_b_percent,
    winnerMetric: r.winner_metric,
    segmentIds: r.segment_ids,
    excludeSegmentIds: r.exclude_segment_ids,
    contactIds: r.contact_ids,
    sendAt: r.send_at?.toISOString() ?? null,
    throttlePerMinute: r.throttle_per_minute,
    costMinor: r.cost_minor === null ? null : Number(r.cost_minor),
    currency: r.currency,
    promotionId: r.promotion_id,
    utmSource: r.utm_source,
    utmMedium: r.utm_medium,
    utmCampaign: r.utm_campaign,
    version: r.version,
    startedAt: r.started_at?.toISOString() ?? null,
    completedAt: r.completed_at?.toISOString() ?? null,
    counts,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
