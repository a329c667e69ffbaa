import type { EntityManager } from 'typeorm';
import { MARKETING_EVENTS, type CouponPayload } from '@crm/contracts';
import type { EventPublisher } from '@crm/messaging';

/** An unguessable code: 12 hex digits of a v4 UUID's random bits (48 bits), upper case. */
export const RANDOM_CODE_SQL = `upper(substr(replace(gen_random_uuid()::text, '-', ''), 13, 12))`;

/**
 * Gives each message of a campaign its coupon: a unique code per contact
 * (issued now, tied to the contact and the campaign) or the promotion's
 * shared code.
 */
export async function issueCampaignCoupons(
  m: EntityManager,
  events: EventPublisher,
  campaignId: string,
  promotionId: string,
): Promise<void> {
  const [p]: { code_kind: string; shared_code: string | null }[] = await m.query(
    `SELECT code_kind, shared_code FROM promotions WHERE id = $1`,
    [promotionId],
  );
  if (!p) return;
  if (p.code_kind === 'shared') {
    await m.query(`UPDATE campaign_messages SET coupon_code = $2 WHERE campaign_id = $1`, [campaignId, p.shared_code]);
    return;
  }
  const issued: { id: string; code: string; contact_id: string; issued_at: Date }[] = await m.query(
    `INSERT INTO coupons (id, promotion_id, code, contact_id, campaign_id)
       SELECT marketing_uuidv7(), $2, ${RANDOM_CODE_SQL}, contact_id, $1 FROM campaign_messages WHERE campaign_id = $1
     RETURNING id, code, contact_id, issued_at`,
    [campaignId, promotionId],
  );
  await m.query(
    `UPDATE campaign_messages cm SET coupon_code = k.code FROM coupons k
      WHERE cm.campaign_id = $1 AND k.campaign_id = $1 AND k.contact_id = cm.contact_id`,
    [campaignId],
  );
  for (let i = 0; i < issued.length; i += 1000)
    await events.publishAll(
      m,
      issued.slice(i, i + 1000).map((k) => ({
        type: MARKETING_EVENTS.couponIssued,
        subject: k.id,
        version: 1,
        data: {
          id: k.id,
          promotionId,
          code: k.code,
          contactId: k.contact_id,
          issuedAt: k.issued_at.toISOString(),
        } as CouponPayload,
      })),
    );
}
