import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';

interface MergeFields {
  sourceId: string;
  targetId: string;
}

/** A merged-away contact stops counting; its target already counts. */
@Injectable()
@OnEvent('crm.contacts.contact.merged')
export class ApplyContactMergeHandler implements EventHandler<MergeFields> {
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
  }
}
