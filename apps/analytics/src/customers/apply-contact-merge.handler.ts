import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { lockCustomer, recomputeCustomerOrders } from '../orders/customer-orders.repository';
import { CustomerScoring } from '../scores/customer-scoring.service';

interface MergeFields {
  sourceId: string;
  targetId: string;
}

/** Tables whose rows name a customer and follow it into the merge target. */
const CUSTOMER_TABLES = [
  'orders',
  'deals',
  'touchpoints',
  'coupon_redemptions',
  'points_entries',
  'survey_answers',
  'tickets',
  'csat_answers',
];

/**
 * A merged-away contact stops counting; its target already counts. Its
 * orders, deals, touchpoints, tickets and the rest are re-pointed to the
 * target, whose purchase summary is recomputed and scores queued; the source's go.
 */
@Injectable()
@OnEvent('crm.contacts.contact.merged')
export class ApplyContactMergeHandler implements EventHandler<MergeFields> {
  constructor(private readonly scoring: CustomerScoring) {}

  async handle(event: CloudEvent<MergeFields>, manager: EntityManager): Promise<void> {
    const { sourceId, targetId } = event.data;
    // The source may not be known yet (events of different contacts are not ordered);
    // a placeholder keeps a late created event from counting it.
    await manager.query(
      `INSERT INTO customer_facts AS f (contact_id, version, status, merged_into, updated_at)
       VALUES ($1, 2147483647, 'merged', $2, now())
       ON CONFLICT (contact_id) DO UPDATE SET status = 'merged', merged_into = $2, updated_at = now()`,
      [sourceId, targetId],
    );
    // Contacts merged into the source earlier now belong to the target too.
    await manager.query(`UPDATE customer_facts SET merged_into = $2 WHERE merged_into = $1`, [sourceId, targetId]);
    for (const id of [sourceId, targetId].sort()) await lockCustomer(manager, id);
    for (const table of CUSTOMER_TABLES)
      await manager.query(`UPDATE ${table} SET customer_id = $2 WHERE customer_id = $1`, [sourceId, targetId]);
    await manager.query(
      `INSERT INTO lifecycle_history (contact_id, stage, reached_at)
       SELECT $2, stage, reached_at FROM lifecycle_history WHERE contact_id = $1
       ON CONFLICT (contact_id, stage) DO UPDATE SET reached_at = LEAST(lifecycle_history.reached_at, EXCLUDED.reached_at)`,
      [sourceId, targetId],
    );
    await manager.query(`DELETE FROM customer_orders WHERE customer_id = $1`, [sourceId]);
    await manager.query(`DELETE FROM customer_scores WHERE customer_id = $1`, [sourceId]);
    await recomputeCustomerOrders(manager, targetId);
    // The source too: a drain that read it before this merge may still write its scores; the next one drops them.
    await this.scoring.queueRescore(manager, [targetId, sourceId]);
  }
}
