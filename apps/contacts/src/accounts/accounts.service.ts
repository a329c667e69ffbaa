import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type AccountDeletedPayload, type AccountPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, isUuid, uuidv7 } from '@crm/persistence';
import { DomainError, validationFailed, type Page, type PageQueryDto } from '@crm/platform';
import { lockActive, lockPeople } from '../people/active-person';
import { PeopleService } from '../people/people.service';
import type { PersonView } from '../people/person-view';
import { refreshSearchText } from '../people/search-text';
import { notFound } from '../shared/normalise';
import { Account } from './account.entity';
import type { CreateAccountDto, LinkContactDto, UpdateAccountDto } from './dto/account.dto';
import { contactsError } from '../shared/contacts-errors';
import { ACCOUNT_IDS, prepareExternalIds, replaceExternalIds } from '../external-ids/external-ids';

export interface AccountPerson {
  id: string;
  displayName: string;
  lifecycleStage: string;
  role: string | null;
  title: string | null;
  primary: boolean;
}

function payload(a: Account): AccountPayload {
  return {
    id: a.id,
    version: a.version,
    name: a.name,
    domain: a.domain,
    industry: a.industry,
    sizeBand: a.sizeBand,
    country: a.country,
    city: a.city,
    externalIds: a.externalIds ?? [],
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** Fills in the accounts' external ids, one query for all of them. */
async function withExternalIds(m: EntityManager, accounts: Account[]): Promise<Account[]> {
  if (!accounts.length) return accounts;
  const rows: { account_id: string; source: string; external_id: string }[] = await m.query(
    `SELECT account_id, source, external_id FROM account_external_ids WHERE account_id = ANY($1::uuid[]) ORDER BY source, external_id`,
    [accounts.map((a) => a.id)],
  );
  for (const a of accounts) {
    a.externalIds = rows.filter((r) => r.account_id === a.id).map((r) => ({ source: r.source, id: r.external_id }));
  }
  return accounts;
}

/** An account search pages through at most this many matches. */
const ACCOUNT_MATCHES = 1000;

function badCursor(): DomainError {
  return contactsError('CURSOR_INVALID', 'The cursor is not valid', {
    errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }],
  });
}

@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly people: PeopleService,
  ) {}

  create(dto: CreateAccountDto): Promise<Account> {
    return inTransaction(this.dataSource, async (m) => {
      const now = new Date();
      const account = m.getRepository(Account).create({
        id: uuidv7(),
        name: dto.name.trim(),
        domain: dto.domain?.toLowerCase() ?? null,
        industry: dto.industry ?? null,
        sizeBand: dto.sizeBand ?? null,
        country: dto.country?.toUpperCase() ?? null,
        city: dto.city ?? null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await m.getRepository(Account).insert(account);
      account.externalIds = prepareExternalIds(dto.externalIds);
      await replaceExternalIds(m, ACCOUNT_IDS, account.id, account.externalIds, { fresh: true });
      await this.events.publish(m, {
        type: CONTACTS_EVENTS.accountCreated,
        subject: account.id,
        version: 1,
        data: payload(account),
      });
      return account;
    });
  }

  async get(id: string): Promise<Account> {
    const account = await this.dataSource.getRepository(Account).findOneBy({ id });
    if (!account) throw notFound('ACCOUNT', id);
    return (await withExternalIds(this.dataSource.manager, [account]))[0];
  }

  update(id: string, dto: UpdateAccountDto): Promise<Account> {
    if (dto.name === null) throw validationFailed([{ field: 'name', message: 'cannot be cleared' }]);
    return inTransaction(this.dataSource, async (m) => {
      const account = await this.lock(m, id);
      const renamed = dto.name !== undefined && dto.name.trim() !== account.name;
      if (dto.name !== undefined) account.name = dto.name.trim();
      if (dto.domain !== undefined) account.domain = dto.domain?.toLowerCase() ?? null;
      if (dto.industry !== undefined) account.industry = dto.industry ?? null;
      if (dto.sizeBand !== undefined) account.sizeBand = dto.sizeBand ?? null;
      if (dto.country !== undefined) account.country = dto.country?.toUpperCase() ?? null;
      if (dto.city !== undefined) account.city = dto.city ?? null;
      account.version += 1;
      account.updatedAt = new Date();
      await m.getRepository(Account).save(account);
      if (dto.externalIds) {
        account.externalIds = prepareExternalIds(dto.externalIds);
        await replaceExternalIds(m, ACCOUNT_IDS, id, account.externalIds);
      } else {
        await withExternalIds(m, [account]);
      }
      // People are found by their company's name: keep their search text in step.
      if (renamed) {
        const linked: { person_id: string }[] = await m.query(
          `SELECT person_id FROM person_accounts WHERE account_id = $1`,
          [id],
        );
        const ids = linked.map((r) => r.person_id);
        await lockPeople(m, ids);
        await refreshSearchText(m, ids);
      }
      await this.events.publish(m, {
        type: CONTACTS_EVENTS.accountUpdated,
        subject: id,
        version: account.version,
        data: payload(account),
      });
      return account;
    });
  }

  /** Only an account nobody refers to goes: people and activities keep their history otherwise. */
  remove(id: string): Promise<void> {
    return inTransaction(this.dataSource, async (m) => {
      const account = await this.lock(m, id);
      const used: { people: number; activities: number }[] = await m.query(
        `SELECT (SELECT count(*)::int FROM person_accounts WHERE account_id = $1) AS people,
                (SELECT count(*)::int FROM activities WHERE account_id = $1) AS activities`,
        [id],
      );
      if (used[0].people || used[0].activities) {
        throw contactsError(
          'ACCOUNT_IN_USE',
          `Account ${id} still has ${used[0].people} people and ${used[0].activities} activities`,
          used[0],
        );
      }
      await m.query(`DELETE FROM accounts WHERE id = $1`, [id]);
      const data: AccountDeletedPayload = { id, version: account.version + 1 };
      await this.events.publish(m, { type: CONTACTS_EVENTS.accountDeleted, subject: id, version: data.version, data });
    });
  }

  async list(q: string | undefined, page: PageQueryDto): Promise<Page<Account>> {
    const limit = page.limit ?? 50;
    const qb = this.dataSource
      .getRepository(Account)
      .createQueryBuilder('a')
      .orderBy('a.id', 'DESC')
      .take(limit + 1);
    if (q) {
      // The matches first, from the trigram index (% is similarity above pg_trgm.similarity_threshold, 0.3)
      // and the external ids, at most ACCOUNT_MATCHES of them; then the page of those. In one statement
      // Postgres walks every account by id comparing each name instead.
      const matches: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM accounts WHERE name ILIKE $1 OR name % $2
         UNION SELECT account_id FROM account_external_ids WHERE lower(external_id) = lower($2) LIMIT ${ACCOUNT_MATCHES}`,
        [`%${q.replace(/[%_\\]/g, '\\$&')}%`, q],
      );
      qb.andWhere('a.id = ANY(:ids)', { ids: matches.map((r) => r.id) });
    }
    if (page.cursor) {
      const [after] = decodeCursor(page.cursor, 1);
      if (!isUuid(after)) throw badCursor();
      qb.andWhere('a.id < :after', { after });
    }
    const rows = await qb.getMany();
    const items = await withExternalIds(this.dataSource.manager, rows.slice(0, limit));
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  /** The account's active people, by person id, keyset paged. */
  async contacts(accountId: string, page: PageQueryDto): Promise<Page<AccountPerson>> {
    await this.get(accountId);
    const limit = page.limit ?? 50;
    const params: unknown[] = [accountId, limit + 1];
    if (page.cursor) {
      const [after] = decodeCursor(page.cursor, 1);
      if (!isUuid(after)) throw badCursor();
      params.push(after);
    }
    const rows: AccountPerson[] = await this.dataSource.query(
      `SELECT p.id, p.display_name AS "displayName", p.lifecycle_stage AS "lifecycleStage", pa.role, pa.title, pa.is_primary AS "primary"
         FROM person_accounts pa JOIN people p ON p.id = pa.person_id
        WHERE pa.account_id = $1 AND p.status = 'active' ${params.length > 2 ? 'AND p.id > $3' : ''}
        ORDER BY p.id LIMIT $2`,
      params,
    );
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  /** Links (or re-links) a person to the account; the person's version moves and contact.updated goes out. */
  link(accountId: string, dto: LinkContactDto): Promise<PersonView> {
    return inTransaction(this.dataSource, async (m) => {
      await this.lock(m, accountId);
      const person = await lockActive(m, dto.contactId);
      if (dto.primary)
        await m.query(`UPDATE person_accounts SET is_primary = false WHERE person_id = $1`, [dto.contactId]);
      await m.query(
        `INSERT INTO person_accounts (person_id, account_id, role, title, is_primary) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (person_id, account_id) DO UPDATE SET role = EXCLUDED.role, title = EXCLUDED.title, is_primary = EXCLUDED.is_primary`,
        [dto.contactId, accountId, dto.role ?? null, dto.title ?? null, dto.primary ?? false],
      );
      return this.touchPerson(m, person.id, person.version);
    });
  }

  unlink(accountId: string, contactId: string): Promise<PersonView> {
    return inTransaction(this.dataSource, async (m) => {
      await this.lock(m, accountId);
      const person = await lockActive(m, contactId);
      // TypeORM answers a DELETE with [rows, count].
      const [, removed] = (await m.query(`DELETE FROM person_accounts WHERE person_id = $1 AND account_id = $2`, [
        contactId,
        accountId,
      ])) as [unknown[], number];
      if (!removed)
        throw contactsError('ACCOUNT_LINK_NOT_FOUND', `Contact ${contactId} is not linked to account ${accountId}`);
      return this.touchPerson(m, person.id, person.version);
    });
  }

  private async touchPerson(m: EntityManager, personId: string, version: number): Promise<PersonView> {
    await m.query(`UPDATE people SET version = $2, updated_at = now() WHERE id = $1`, [personId, version + 1]);
    return this.people.publishChange(m, personId, CONTACTS_EVENTS.contactUpdated);
  }

  private async lock(m: EntityManager, id: string): Promise<Account> {
    const account = await m.getRepository(Account).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!account) throw notFound('ACCOUNT', id);
    return account;
  }
}
