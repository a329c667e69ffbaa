import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type ContactMergedPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction } from '@crm/persistence';
import { validationFailed } from '@crm/platform';
import { lockActive } from '../people/active-person';
import { PeopleService } from '../people/people.service';
import { Person } from '../people/person.entity';
import type { PersonView } from '../people/person-view';

/**
 * Merging keeps the target and folds the source into it: emails, phones,
 * tags, social profiles, activities, account links and consent move; the
 * source is marked merged and answers 410 from then on.
 */
@Injectable()
export class MergeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly people: PeopleService,
    private readonly events: EventPublisher,
  ) {}

  async merge(targetId: string, sourceId: string): Promise<PersonView> {
    if (targetId === sourceId)
      throw validationFailed([{ field: 'sourceId', message: 'cannot merge a contact into itself' }]);
    return inTransaction(this.dataSource, async (m) => {
      // Lock in id order so two opposite merges cannot deadlock.
      const [first, second] = [targetId, sourceId].sort();
      const locked = new Map([
        [first, await lockActive(m, first)],
        [second, await lockActive(m, second)],
      ]);
      const target = locked.get(targetId) as Person;
      const source = locked.get(sourceId) as Person;

      await moveContactPoints(m, targetId, sourceId);
      await moveExternalIds(m, targetId, sourceId);
      await m.query(`UPDATE activities SET person_id = $1 WHERE person_id = $2`, [targetId, sourceId]);
      await moveAccountLinks(m, targetId, sourceId);
      await moveConsent(m, targetId, sourceId);

      const now = new Date();
      target.tags = [...new Set([...target.tags, ...source.tags])];
      target.customFields = { ...source.customFields, ...target.customFields };
      const profiles = [...target.socialProfiles, ...source.socialProfiles];
      target.socialProfiles = profiles.filter(
        (p, i) => profiles.findIndex((q) => q.network === p.network && q.handle === p.handle) === i,
      );
      if (!target.source.channel && source.source.channel) target.source = source.source;
      target.version += 1;
      target.updatedAt = now;
      Object.assign(source, {
        status: 'merged',
        mergedInto: targetId,
        searchText: '',
        version: source.version + 1,
        updatedAt: now,
      });
      await m.getRepository(Person).save([target, source]);

      const data: ContactMergedPayload = { targetId, sourceId };
      await this.events.publish(m, {
        type: CONTACTS_EVENTS.contactMerged,
        subject: sourceId,
        version: source.version,
        data,
      });
      return this.people.publishChange(m, targetId, CONTACTS_EVENTS.contactUpdated);
    });
  }
}

/** The target keeps its primary email and phone; the source's join it, repeats dropped. */
async function moveContactPoints(m: EntityManager, targetId: string, sourceId: string): Promise<void> {
  await m.query(
    `DELETE FROM person_emails s WHERE s.person_id = $2
       AND EXISTS (SELECT 1 FROM person_emails t WHERE t.person_id = $1 AND t.address = s.address)`,
    [targetId, sourceId],
  );
  await m.query(
    `UPDATE person_emails SET person_id = $1,
            is_primary = is_primary AND NOT EXISTS (SELECT 1 FROM person_emails t WHERE t.person_id = $1 AND t.is_primary)
      WHERE person_id = $2`,
    [targetId, sourceId],
  );
  await m.query(
    `DELETE FROM person_phones s WHERE s.person_id = $2
       AND EXISTS (SELECT 1 FROM person_phones t WHERE t.person_id = $1 AND t.number = s.number)`,
    [targetId, sourceId],
  );
  await m.query(
    `UPDATE person_phones SET person_id = $1,
            is_primary = is_primary AND NOT EXISTS (SELECT 1 FROM person_phones t WHERE t.person_id = $1 AND t.is_primary)
      WHERE person_id = $2`,
    [targetId, sourceId],
  );
}

/** The source's external ids now name the target (a repeat of one the target has is dropped). */
async function moveExternalIds(m: EntityManager, targetId: string, sourceId: string): Promise<void> {
  await m.query(
    `DELETE FROM person_external_ids s WHERE s.person_id = $2
       AND EXISTS (SELECT 1 FROM person_external_ids t WHERE t.person_id = $1 AND t.source = s.source AND t.external_id = s.external_id)`,
    [targetId, sourceId],
  );
  await m.query(`UPDATE person_external_ids SET person_id = $1 WHERE person_id = $2`, [targetId, sourceId]);
}

async function moveAccountLinks(m: EntityManager, targetId: string, sourceId: string): Promise<void> {
  await m.query(
    `INSERT INTO person_accounts (person_id, account_id, role, title, is_primary)
     SELECT $1, account_id, role, title, is_primary AND NOT EXISTS (SELECT 1 FROM person_accounts WHERE person_id = $1 AND is_primary)
       FROM person_accounts WHERE person_id = $2
     ON CONFLICT (person_id, account_id) DO NOTHING`,
    [targetId, sourceId],
  );
  await m.query(`DELETE FROM person_accounts WHERE person_id = $1`, [sourceId]);
}

/** The latest decision per channel and purpose wins; the whole history moves. */
async function moveConsent(m: EntityManager, targetId: string, sourceId: string): Promise<void> {
  await m.query(
    `INSERT INTO consents (person_id, channel, purpose, granted, source, decided_at)
     SELECT $1, channel, purpose, granted, source, decided_at FROM consents WHERE person_id = $2
     ON CONFLICT (person_id, channel, purpose) DO UPDATE
       SET granted = EXCLUDED.granted, source = EXCLUDED.source, decided_at = EXCLUDED.decided_at
     WHERE consents.decided_at < EXCLUDED.decided_at`,
    [targetId, sourceId],
  );
  await m.query(`DELETE FROM consents WHERE person_id = $1`, [sourceId]);
  await m.query(`UPDATE consent_history SET person_id = $1 WHERE person_id = $2`, [targetId, sourceId]);
}
