import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type ContactMergedPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { MembershipService } from '../segments/membership.service';
import { recomputeOrderFacts } from './order-facts';

/**
 * A merged-away contact's marketing records move to the target: static
 * memberships, touchpoints, messages, coupons, orders, loyalty ledger and
 * balance, and consent decisions the target has not made itself. Then both
 * contacts' dynamic memberships are evaluated again (the source leaves all).
 */
@Injectable()
@OnEvent(CONTACTS_EVENTS.contactMerged)
export class MoveRecordsWhenContactMergedHandler implements EventHandler<ContactMergedPayload> {
  constructor(private readonly membership: MembershipService) {}

  async handle(event: CloudEvent<ContactMergedPayload>, manager: EntityManager): Promise<void> {
    const { sourceId, targetId } = event.data ?? ({} as ContactMergedPayload);
    if (!sourceId || !targetId || sourceId === targetId) return;
    // Lock both mirror rows in a fixed order (placeholders if not seen yet; a late created event cannot revive the source).
    for (const id of [sourceId, targetId].sort())
      await manager.query(
        `INSERT INTO contact_mirror (contact_id, status) VALUES ($1, 'unknown') ON CONFLICT (contact_id) DO UPDATE SET updated_at = clock_timestamp()`,
        [id],
      );
    await manager.query(
      `UPDATE contact_mirror SET status = 'merged', merged_into = $2, version = GREATEST(version, 2147483646) WHERE contact_id = $1`,
      [sourceId, targetId],
    );
    await manager.query(
      `INSERT INTO segment_members (segment_id, contact_id, entered_at)
         SELECT sm.segment_id, $2, sm.entered_at FROM segment_members sm JOIN segments s ON s.id = sm.segment_id
          WHERE sm.contact_id = $1 AND s.kind = 'static' ON CONFLICT DO NOTHING`,
      [sourceId, targetId],
    );
    const staticLeft = (
      await manager.query(
        `DELETE FROM segment_members sm USING segments s WHERE s.id = sm.segment_id AND s.kind = 'static' AND sm.contact_id = $1
         RETURNING sm.segment_id, sm.contact_id`,
        [sourceId],
      )
    )[0] as { segment_id: string; contact_id: string }[];
    await this.membership.announce(manager, [], staticLeft);
    for (const table of ['touchpoints', 'coupons', 'mirror_orders', 'loyalty_ledger', 'coupon_redemptions'])
      await manager.query(`UPDATE ${table} SET contact_id = $2 WHERE contact_id = $1`, [sourceId, targetId]);
    await manager.query(
      `UPDATE campaign_messages m SET contact_id = $2 WHERE contact_id = $1
          AND NOT EXISTS (SELECT 1 FROM campaign_messages t WHERE t.campaign_id = m.campaign_id AND t.contact_id = $2)`,
      [sourceId, targetId],
    );
    await manager.query(
      `INSERT INTO loyalty_accounts AS a (program_id, contact_id, balance, lifetime, tier)
         SELECT program_id, $2, balance, lifetime, tier FROM loyalty_accounts WHERE contact_id = $1
       ON CONFLICT (program_id, contact_id) DO UPDATE SET balance = a.balance + EXCLUDED.balance,
         lifetime = a.lifetime + EXCLUDED.lifetime, updated_at = now()`,
      [sourceId, targetId],
    );
    await manager.query(`DELETE FROM loyalty_accounts WHERE contact_id = $1`, [sourceId]);
    await manager.query(
      `INSERT INTO consent_mirror AS c (contact_id, channel, purpose, granted, decided_at)
         SELECT $2, channel, purpose, granted, decided_at FROM consent_mirror WHERE contact_id = $1
       ON CONFLICT (contact_id, channel, purpose) DO NOTHING`,
      [sourceId, targetId],
    );
    await manager.query(`DELETE FROM consent_mirror WHERE contact_id = $1`, [sourceId]);
    await recomputeOrderFacts(manager, targetId);
    await this.membership.reevaluate(manager, [sourceId, targetId]);
  }
}
