import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type ContactErasedPayload, type ErasureCompletedPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction, uuidv7 } from '@crm/persistence';
import type { Principal } from '@crm/platform';
import { lockActive } from '../people/active-person';
import { Person } from '../people/person.entity';
import { loadPersonView, toPayload, type PersonView } from '../people/person-view';
import { ErasureReceiptsService } from './erasure-receipts.service';
import { ErasureRequest } from './erasure-request.entity';
import { ERASURE_SETTINGS, SELF, type ErasureSettings } from './erasure-settings';

export const ERASED_NAME = 'Erased';

/**
 * Erasure anonymises what identifies the person and keeps the id and the
 * facts that do not (stage, country, acquisition channel and campaign, tags,
 * owner, account link, dates), so aggregates stay right. The consent history
 * stays as evidence of what was allowed when, tied to the id only.
 *
 * A contact merged into the erased one is the same person: it is erased too
 * (it stays merged, so it still answers 410 naming its target), with its own
 * contact.erased event carrying the same request id. contacts confirms its
 * own part at once; the other participants confirm with their receipts.
 */
@Injectable()
export class ErasureService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly receipts: ErasureReceiptsService,
    @Inject(ERASURE_SETTINGS) private readonly settings: ErasureSettings,
  ) {}

  async erase(id: string, by: Principal, reason: string | undefined): Promise<PersonView> {
    return inTransaction(this.dataSource, async (m) => {
      const person = await lockActive(m, id);
      const merged = await lockMergedInto(m, id);
      const requestId = uuidv7();
      await m.getRepository(ErasureRequest).insert({
        id: requestId,
        personId: id,
        contactIds: [id, ...merged.map((p) => p.id)],
        participants: this.settings.participants,
        requestedBy: by.subject,
        reason: reason ?? null,
        completedAt: null,
      });
      const now = new Date();
      for (const p of [person, ...merged]) {
        const records = await anonymise(m, p, now);
        const view = (await loadPersonView(m, p.id)) as PersonView;
        const data: ContactErasedPayload = { ...toPayload(view), erasureRequestId: requestId };
        await this.events.publish(m, {
          type: CONTACTS_EVENTS.contactErased,
          subject: p.id,
          version: view.version,
          data,
        });
        const receipt: ErasureCompletedPayload = {
          contactId: p.id,
          requestId,
          records,
          completedAt: now.toISOString(),
        };
        await this.receipts.record(m, SELF, receipt);
        await this.events.publish(m, {
          type: CONTACTS_EVENTS.erasureCompleted,
          subject: p.id,
          version: view.version,
          data: receipt,
        });
      }
      return (await loadPersonView(m, id)) as PersonView;
    });
  }
}

/** Every contact merged into this one, directly or through a chain, locked in id order. */
async function lockMergedInto(m: EntityManager, id: string): Promise<Person[]> {
  const rows: { id: string }[] = await m.query(
    `WITH RECURSIVE folded AS (
       SELECT id FROM people WHERE merged_into = $1 AND status = 'merged'
       UNION SELECT p.id FROM people p JOIN folded f ON p.merged_into = f.id AND p.status = 'merged')
     SELECT id FROM folded ORDER BY id`,
    [id],
  );
  const out: Person[] = [];
  for (const { id: mergedId } of rows) {
    const p = await m.getRepository(Person).findOne({ where: { id: mergedId }, lock: { mode: 'pessimistic_write' } });
    if (p) out.push(p);
  }
  return out;
}

/** Anonymises one person's row and what hangs off it; answers how many records it changed. */
async function anonymise(m: EntityManager, person: Person, now: Date): Promise<number> {
  const id = person.id;
  let records = 1;
  records += affected(await m.query(`DELETE FROM person_emails WHERE person_id = $1`, [id]));
  records += affected(await m.query(`DELETE FROM person_phones WHERE person_id = $1`, [id]));
  records += affected(await m.query(`DELETE FROM person_external_ids WHERE person_id = $1`, [id]));
  records += affected(await m.query(`DELETE FROM consents WHERE person_id = $1`, [id]));
  // Free text about a person is personal data: activities keep only their type and time.
  records += affected(
    await m.query(`UPDATE activities SET subject = '[erased]', body = NULL WHERE person_id = $1`, [id]),
  );
  records += affected(await m.query(`UPDATE person_accounts SET title = NULL WHERE person_id = $1`, [id]));
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
    source: Object.fromEntries(
      Object.entries({ channel, campaign, utmSource, utmMedium, utmCampaign, firstTouchAt }).filter(
        ([, v]) => v !== undefined,
      ),
    ),
    // A merged contact stays merged: it still answers 410 naming where it went.
    status: person.status === 'merged' ? 'merged' : 'erased',
    searchText: '',
    version: person.version + 1,
    updatedAt: now,
  });
  await m.getRepository(Person).save(person);
  return records;
}

/** TypeORM answers [rows, rowCount] for UPDATE and DELETE on Postgres. */
function affected(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
