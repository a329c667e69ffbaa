import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CONTACTS_EVENTS } from '@crm/contracts';
import { uuidv7 } from '@crm/persistence';
import type { Principal } from '@crm/platform';
import { lockActive } from '../people/active-person';
import { PeopleService } from '../people/people.service';
import { Person } from '../people/person.entity';
import type { PersonView } from '../people/person-view';
import { ErasureRequest } from './erasure-request.entity';

export const ERASED_NAME = 'Erased';

/**
 * Erasure anonymises what identifies the person and keeps the id and the
 * facts that do not (stage, country, acquisition channel and campaign, tags,
 * owner, account link, dates), so aggregates stay right. The consent history
 * stays as evidence of what was allowed when, tied to the id only.
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
      // Free text about a person is personal data: activities keep only their type and time.
      await m.query(`UPDATE activities SET subject = '[erased]', body = NULL WHERE person_id = $1`, [id]);
      await m.query(`UPDATE person_accounts SET title = NULL WHERE person_id = $1`, [id]);
      const { channel, campaign, utmSource, utmMedium, utmCampaign, firstTouchAt } = person.source;
      Object.assign(person, {
        firstName: ERASED_NAME,
        lastName: ERASED_NAME,
        displayName: ERASED_NAME,
        birthDate: null,
        region: null,
        city: null,
        locale: null,
        occupation: null,
        address: null,
        customFields: {},
        socialProfiles: [],
        source: Object.fromEntries(Object.entries({ channel, campaign, utmSource, utmMedium, utmCampaign, firstTouchAt }).filter(([, v]) => v !== undefined)),
        status: 'erased',
        searchText: '',
        version: person.version + 1,
        updatedAt: new Date(),
      });
      await m.getRepository(Person).save(person);
      return this.people.publishChange(m, id, CONTACTS_EVENTS.contactErased);
    });
  }
}
