import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  CONTACTS_RPC,
  type ContactsSearchHit,
  type ContactsSearchReply,
  type CustomerGetReply,
  type CustomerMergedReply,
} from '@crm/contracts';
import { isUuid } from '@crm/persistence';
import { ActivitiesService } from '../activities/activities.service';
import { ConsentService } from '../consent/consent.service';
import { SearchService } from '../search/search.service';
import { loadPersonView } from '../people/person-view';

const RECENT_ACTIVITIES = 10;

/**
 * Request-reply for the gateway: the contacts part of the customer 360, and
 * global search. Malformed requests get an empty answer, never an error.
 */
@Controller()
export class CustomersRpc {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consent: ConsentService,
    private readonly activities: ActivitiesService,
    private readonly search: SearchService,
  ) {}

  /**
   * A merged contact is refused as REST refuses it (410): only where it went
   * is answered, never the person it held, so the caller can follow it.
   */
  @MessagePattern(CONTACTS_RPC.customerGet)
  async customer(@Payload() payload: { id?: unknown } | null): Promise<CustomerGetReply | CustomerMergedReply | null> {
    if (!isUuid(payload?.id)) return null;
    const person = await loadPersonView(this.dataSource.manager, payload.id);
    if (!person) return null;
    if (person.status === 'merged' && person.mergedInto)
      return { id: person.id, status: 'merged', mergedInto: person.mergedInto };
    const [consent, recentActivities] = await Promise.all([
      this.consent.current(person.id),
      this.activities.recent(person.id, RECENT_ACTIVITIES),
    ]);
    return { person, consent, recentActivities };
  }

  @MessagePattern(CONTACTS_RPC.search)
  async find(@Payload() payload: { q?: unknown; limit?: unknown } | null): Promise<ContactsSearchReply> {
    const q = typeof payload?.q === 'string' ? payload.q.trim().slice(0, 200) : '';
    const limit =
      typeof payload?.limit === 'number' && Number.isFinite(payload.limit)
        ? Math.min(Math.max(1, Math.floor(payload.limit)), 50)
        : 10;
    if (!q) return { hits: [] };
    const [people, accounts] = await Promise.all([
      this.search.search({ q, limit }),
      this.dataSource.query(
        `SELECT id, name, domain FROM accounts WHERE name ILIKE $1 OR similarity(name, $2) > 0.3 ORDER BY similarity(name, $2) DESC, id LIMIT $3`,
        [`%${q.replace(/[%_\\]/g, '\\$&')}%`, q, limit],
      ) as Promise<{ id: string; name: string; domain: string | null }[]>,
    ]);
    const hits: ContactsSearchHit[] = [
      ...people.items.map(
        (p): ContactsSearchHit => ({
          kind: 'contact',
          id: p.id,
          title: p.displayName,
          subtitle: p.primaryEmail ?? p.accountName,
        }),
      ),
      ...accounts.map((a): ContactsSearchHit => ({ kind: 'account', id: a.id, title: a.name, subtitle: a.domain })),
    ];
    return { hits };
  }
}
