import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CONTACTS_EVENTS } from '@crm/contracts';
import { uuidv7 } from '@crm/persistence';
import type { Principal } from '@crm/platform';
import { Person } from '../people/person.entity';
import { lockActive, PeopleService } from '../people/people.service';
import type { PersonView } from '../people/person-view';
import { ErasureRequest } from './erasure-request.entity';

/**
 * Erasure anonymises what identifies the person and keeps the id and the
 * facts that do not (stage, country, acquisition channel and campaign, tags,
 * dates), so aggregates stay right. Consent history is kept as evidence,
 * tied to the id only.
 */
@Injectable()
export class ErasureService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly people: PeopleService,
  ) {}

  async erase(id: string, by: Principal, reason: string | undefined): Promise<PersonView> {
    return this.dataSource.transaction(async (m) => {
      const person = await lockActive(m, id);
      await m.getRepository(ErasureRequest).insert({ id: uuidv7(), personId: id, requestedBy: by.subject, reason: reason ?? null, completedAt: new Date() });
      await m.query(`DELETE FROM person_emails WHERE person_id = $1`, [id]);
      await m.query(`DELETE FROM person_phones WHERE person_id = $1`, [id]);
      await m.query(`DELETE FROM consents WHERE person_id = $1`, [id]);
      await m.query(`UPDATE activities SET subject = '[erased]', body = NULL WHERE person_id = $1`, [id]);
      Object.assign(person, {
        firstName: 'Erased',
        lastName: 'Contact',
        displayName: 'Erased contact',
        birthDate: null,
        region: null,
        city: null,
        locale: null,
        occupation: null,
        address: null,
        customFields: {},
        socialProfiles: [],
        source: {
          channel: person.source.channel,
          campaign: person.source.campaign,
          utmSource: person.source.utmSource,
          utmMedium: person.source.utmMedium,
          utmCampaign: person.source.utmCampaign,
          firstTouchAt: person.source.firstTouchAt,
        },
        status: 'erased',
        searchText: '',
        version: person.version + 1,
        updatedAt: new Date(),
      });
      await m.getRepository(Person).save(person);
      const view = await this.people.publishChange(m, id, CONTACTS_EVENTS.contactErased);
      await m.query(`UPDATE people SET search_text = '' WHERE id = $1`, [id]);
      return view;
    });
  }
}
