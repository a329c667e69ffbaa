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
import { unstorableText, validationFailed } from '@crm/platform';
import { ActivitiesService } from '../activities/activities.service';
import { ConsentService } from '../consent/consent.service';
import { SearchService } from '../search/search.service';
import { loadPersonView } from '../people/person-view';

const RECENT_ACTIVITIES = 10;

/**
 * Request-reply for the gateway: the contacts part of the customer 360, and
 * global search. A malformed id or an empty query gets an empty answer; a q
 * Postgres cannot store (NUL, lone surrogate) is refused as VALIDATION_FAILED.
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
    const raw = typeof payload?.q === 'string' ? payload.q : '';
    // Once, before either query: text Postgres cannot take is refused as the people search refuses it.
    const badQ = unstorableText(raw);
    if (badQ) throw validationFailed([{ field: 'q', message: badQ }]);
    // By code points, so the cut never leaves half a surrogate pair.
    const q = Array.from(raw.trim()).slice(0, 200).join('');
    const limit =
      typeof payload?.limit === 'number' && Number.isFinite(payload.limit)
        ? Math.min(Math.max(1, Math.floor(payload.limit)), 50)
        : 10;
    if (!q) return { hits: [] };
    const [people, accounts] = await Promise.all([
      this.search.search({ q, limit }),
      this.dataSource.query(
        `SELECT id, name, domain FROM accounts WHERE name ILIKE $1 OR name % $2 ORDER BY similarity(name, $2) DESC, id LIMIT $3`,
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
