import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CONTACTS_RPC } from '@crm/contracts';
import { isUuid } from '@crm/persistence';
import { ConsentService } from '../consent/consent.service';
import { ActivitiesService } from '../activities/activities.service';
import { SearchService } from '../search/search.service';
import { loadPersonView } from './person-view';

/** Request-reply for the gateway: the customer 360's contacts part, and global search. */
@Controller()
export class CustomersRpc {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consent: ConsentService,
    private readonly activities: ActivitiesService,
    private readonly search: SearchService,
  ) {}

  @MessagePattern(CONTACTS_RPC.customerGet)
  async customer(@Payload() payload: { id?: unknown }) {
    if (!isUuid(payload?.id)) return null;
    const person = await loadPersonView(this.dataSource.manager, payload.id);
    if (!person) return null;
    const [consent, timeline] = await Promise.all([this.consent.forPerson(person.id), this.activities.timeline(person.id, { limit: 10 })]);
    return { person, consent: consent.current, recentActivities: timeline.items };
  }

  @MessagePattern(CONTACTS_RPC.search)
  async find(@Payload() payload: { q?: unknown; limit?: unknown }) {
    const q = typeof payload?.q === 'string' ? payload.q.slice(0, 200) : '';
    const limit = typeof payload?.limit === 'number' ? Math.min(Math.max(1, Math.floor(payload.limit)), 50) : 10;
    if (!q.trim()) return { hits: [] };
    const people = await this.search.search({ q, limit });
    const accounts: { id: string; name: string; domain: string | null }[] = await this.dataSource.query(
      `SELECT id, name, domain FROM accounts WHERE name ILIKE $1 OR similarity(name, $2) > 0.3 ORDER BY similarity(name, $2) DESC LIMIT $3`,
      [`%${q.replace(/[%_\\]/g, '\\$&')}%`, q, limit],
    );
    return {
      hits: [
        ...people.items.map((p) => ({ kind: 'contact', id: p.id, title: p.displayName, subtitle: p.primaryEmail ?? p.accountName })),
        ...accounts.map((a) => ({ kind: 'account', id: a.id, title: a.name, subtitle: a.domain })),
      ],
    };
  }
}
