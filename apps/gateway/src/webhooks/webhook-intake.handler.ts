import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnEvent, type CloudEvent, type EventHandler } from '@crm/messaging';
import { matchesFilter, matchesPattern, ownerMayRead, type EventFilter } from './webhook-rules';
import { DELIVERIES_CHANNEL, WebhooksService } from './webhooks.service';

interface Candidate {
  id: string;
  patterns: string[];
  filter: EventFilter;
  owner_permissions: string[];
}

/**
 * Every event of the suite's streams: one delivery row per subscription that wants it (pattern,
 * filter) and whose owner may read it, written in the same transaction as the gateway's inbox row,
 * so a redelivered event queues nothing twice. Paused and disabled subscriptions still collect
 * their deliveries (sent on resume); deleted ones take none.
 */
@Injectable()
@OnEvent('*')
export class WebhookIntake implements EventHandler {
  async handle(event: CloudEvent, manager: EntityManager): Promise<void> {
    const subs: Candidate[] = await manager.query(
      `SELECT id, patterns, filter, owner_permissions FROM webhook_subscriptions WHERE status <> 'disabled'`,
    );
    let queued = 0;
    for (const s of subs) {
      if (!s.patterns.some((p) => matchesPattern(event.type, p))) continue;
      if (!ownerMayRead(s.owner_permissions, event.type)) continue;
      if (!matchesFilter(event, s.filter)) continue;
      if (await WebhooksService.enqueue(manager, s.id, event as unknown as { id: string; type: string })) queued += 1;
    }
    if (queued) await manager.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
  }
}
