import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type ContactMergedPayload } from '@crm/contracts';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';

/** Tickets, assets and surveys of a merged-away contact now belong to its target. */
@Injectable()
@OnEvent(CONTACTS_EVENTS.contactMerged)
export class RepointWhenContactMergedHandler implements EventHandler<ContactMergedPayload> {
  async handle(event: CloudEvent<ContactMergedPayload>, m: EntityManager): Promise<void> {
    const { sourceId, targetId } = event.data;
    await m.query(`UPDATE tickets SET requester_id = $2, updated_at = now() WHERE requester_id = $1`, [
      sourceId,
      targetId,
    ]);
    await m.query(`UPDATE assets SET contact_id = $2 WHERE contact_id = $1`, [sourceId, targetId]);
    await m.query(`UPDATE csat_surveys SET requester_id = $2 WHERE requester_id = $1`, [sourceId, targetId]);
    await m.query(
      `INSERT INTO contacts AS c (id, version, status, merged_into) VALUES ($1, 2147483647, 'merged', $2)
       ON CONFLICT (id) DO UPDATE SET status = 'merged', merged_into = $2, updated_at = now()`,
      [sourceId, targetId],
    );
  }
}
