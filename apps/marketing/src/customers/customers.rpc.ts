import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MARKETING_RPC, type MarketingCustomerReply, type MarketingSearchReply } from '@crm/contracts';
import { isUuid } from '@crm/persistence';
import { unstorableText, validationFailed } from '@crm/platform';

interface PartnerShareRow {
  id: string;
  partner_id: string;
  partner_name: string;
  agreement_id: string;
  fields: string[];
  created_at: Date;
  expires_at: Date | null;
  status: string;
  notice_status: string | null;
  notice_reason: string | null;
  notice_delivered_at: Date | null;
}

const like = (q: string) => `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Request-reply for the gateway: marketing's part of the customer 360
 * (segments, recent touchpoints, loyalty, coupons, partner shares) and global search over
 * segment, campaign and promotion names. A malformed id gets null.
 */
@Controller()
export class CustomersRpc {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @MessagePattern(MARKETING_RPC.customerGet)
  async customer(@Payload() payload: { contactId?: unknown } | null): Promise<MarketingCustomerReply | null> {
    const id = payload?.contactId;
    if (!isUuid(id)) return null;
    const q = (sql: string) => this.dataSource.query(sql, [id]);
    const [segments, touchpoints, loyalty, coupons, shares] = await Promise.all([
      q(`SELECT s.id, s.name, sm.entered_at FROM segment_members sm JOIN segments s ON s.id = sm.segment_id
          WHERE sm.contact_id = $1 ORDER BY sm.entered_at DESC LIMIT 50`),
      q(`SELECT kind, channel, campaign_id, utm_campaign, occurred_at FROM touchpoints WHERE contact_id = $1
          ORDER BY occurred_at DESC, id DESC LIMIT 10`),
      q(`SELECT program_id, balance, tier FROM loyalty_accounts WHERE contact_id = $1`),
      q(`SELECT code, promotion_id, status FROM coupons WHERE contact_id = $1 ORDER BY issued_at DESC LIMIT 20`),
      q(`SELECT s.id, s.partner_id, p.name AS partner_name, s.agreement_id, s.fields, s.created_at, s.expires_at, s.status,
                n.status AS notice_status, n.reason AS notice_reason, n.delivered_at AS notice_delivered_at
           FROM partner_share_contacts c JOIN partner_shares s ON s.id = c.share_id JOIN partners p ON p.id = s.partner_id
           LEFT JOIN LATERAL (SELECT * FROM partner_deletion_notices n WHERE n.contact_id = c.contact_id
                                AND s.id = ANY(n.share_ids) ORDER BY n.id DESC LIMIT 1) n ON true
          WHERE c.contact_id = $1 ORDER BY s.id DESC LIMIT 20`),
    ]);
    return {
      contactId: id,
      segments: segments.map((s: { id: string; name: string; entered_at: Date }) => ({
        id: s.id,
        name: s.name,
        enteredAt: s.entered_at.toISOString(),
      })),
      touchpoints: touchpoints.map(
        (t: {
          kind: string;
          channel: string;
          campaign_id: string | null;
          utm_campaign: string | null;
          occurred_at: Date;
        }) => ({
          kind: t.kind,
          channel: t.channel,
          campaignId: t.campaign_id,
          utmCampaign: t.utm_campaign,
          occurredAt: t.occurred_at.toISOString(),
        }),
      ),
      loyalty: loyalty.map((l: { program_id: string; balance: string; tier: string | null }) => ({
        programId: l.program_id,
        balance: Number(l.balance),
        tier: l.tier,
      })),
      coupons: coupons.map((c: { code: string; promotion_id: string; status: string }) => ({
        code: c.code,
        promotionId: c.promotion_id,
        status: c.status,
      })),
      partnerSharing: (shares as PartnerShareRow[]).map((r) => ({
        shareId: r.id,
        partnerId: r.partner_id,
        partnerName: r.partner_name,
        agreementId: r.agreement_id,
        fields: r.fields,
        sharedAt: r.created_at.toISOString(),
        expiresAt: r.expires_at?.toISOString() ?? null,
        status: r.status,
        deletionNotice: r.notice_status
          ? {
              status: r.notice_status,
              reason: r.notice_reason ?? '',
              deliveredAt: r.notice_delivered_at?.toISOString() ?? null,
            }
          : null,
      })),
    };
  }

  @MessagePattern(MARKETING_RPC.search)
  async search(@Payload() payload: { q?: unknown; limit?: unknown } | null): Promise<MarketingSearchReply> {
    const raw = typeof payload?.q === 'string' ? payload.q : '';
    const bad = unstorableText(raw);
    if (bad) throw validationFailed([{ field: 'q', message: bad }]);
    const q = Array.from(raw.trim()).slice(0, 200).join('');
    if (!q) return { hits: [] };
    const limit = Math.min(Math.max(Number.isInteger(payload?.limit) ? (payload?.limit as number) : 10, 1), 50);
    const rows: { kind: 'segment' | 'campaign' | 'promotion'; id: string; title: string; subtitle: string | null }[] =
      await this.dataSource.query(
        `(SELECT 'segment' AS kind, id, name AS title, kind AS subtitle FROM segments WHERE name ILIKE $1 LIMIT $2)
         UNION ALL
         (SELECT 'campaign', id, name, status FROM campaigns WHERE name ILIKE $1 LIMIT $2)
         UNION ALL
         (SELECT 'promotion', id, name, COALESCE(shared_code, code_kind) FROM promotions WHERE name ILIKE $1 LIMIT $2)
         LIMIT $2`,
        [like(q), limit],
      );
    return { hits: rows };
  }
}
