import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PartialType } from '@nestjs/swagger';
import { IsBoolean, IsFQDN, IsIn, IsISO31661Alpha2, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import type { DataSource, EntityManager } from 'typeorm';
import { CONTACTS_EVENTS, type AccountPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, isUuid, uuidv7 } from '@crm/persistence';
import { DomainError } from '@crm/platform';
import { PeopleService, lockActive } from '../people/people.service';
import { notFound } from '../shared/normalise';
import { Account, SIZE_BANDS } from './account.entity';

export class CreateAccountDto {
  @IsString() @Length(1, 200) name!: string;
  @IsOptional() @IsFQDN() @MaxLength(253) domain?: string;
  @IsOptional() @IsString() @MaxLength(100) industry?: string;
  @IsOptional() @IsIn(SIZE_BANDS) sizeBand?: string;
  @IsOptional() @IsISO31661Alpha2() country?: string;
  @IsOptional() @IsString() @MaxLength(100) city?: string;
}

export class UpdateAccountDto extends PartialType(CreateAccountDto) {}

export class LinkContactDto {
  @IsUUID() contactId!: string;
  @IsOptional() @IsString() @MaxLength(100) role?: string;
  @IsOptional() @IsString() @MaxLength(100) title?: string;
  @IsOptional() @IsBoolean() primary?: boolean;
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
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly people: PeopleService,
  ) {}

  create(dto: CreateAccountDto): Promise<Account> {
    return this.dataSource.transaction(async (m) => {
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
      await this.events.publish(m, { type: CONTACTS_EVENTS.accountCreated, subject: account.id, version: 1, data: payload(account) });
      return account;
    });
  }

  async get(id: string): Promise<Account> {
    const account = await this.dataSource.getRepository(Account).findOneBy({ id });
    if (!account) throw notFound('ACCOUNT', id);
    return account;
  }

  update(id: string, dto: UpdateAccountDto): Promise<Account> {
    return this.dataSource.transaction(async (m) => {
      const account = await m.getRepository(Account).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!account) throw notFound('ACCOUNT', id);
      Object.assign(account, {
        ...(dto.name !== undefined && { name: dto.name.trim() }),
        ...(dto.domain !== undefined && { domain: dto.domain.toLowerCase() }),
        ...(dto.industry !== undefined && { industry: dto.industry }),
        ...(dto.sizeBand !== undefined && { sizeBand: dto.sizeBand }),
        ...(dto.country !== undefined && { country: dto.country.toUpperCase() }),
        ...(dto.city !== undefined && { city: dto.city }),
      });
      account.version += 1;
      account.updatedAt = new Date();
      await m.getRepository(Account).save(account);
      await this.events.publish(m, { type: CONTACTS_EVENTS.accountUpdated, subject: id, version: account.version, data: payload(account) });
      return account;
    });
  }

  async list(q: string | undefined, limit: number, cursor: string | undefined): Promise<{ items: Account[]; nextCursor: string | null }> {
    const qb = this.dataSource.getRepository(Account).createQueryBuilder('a').orderBy('a.id', 'DESC').take(limit + 1);
    if (q) qb.andWhere('(a.name ILIKE :like OR similarity(a.name, :q) > 0.3)', { like: `%${q.replace(/[%_\\]/g, '\\$&')}%`, q });
    if (cursor) {
      const [after] = decodeCursor(cursor, 1);
      if (!isUuid(after)) throw new DomainError('CURSOR_INVALID', 'The cursor is not valid', 'invalid', { errors: [{ field: 'cursor', message: 'is not a cursor of this listing' }] });
      qb.andWhere('a.id < :after', { after });
    }
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  async contacts(accountId: string) {
    await this.get(accountId);
    return this.dataSource.query(
      `SELECT p.id, p.display_name AS "displayName", p.lifecycle_stage AS "lifecycleStage", pa.role, pa.title, pa.is_primary AS "primary"
         FROM person_accounts pa JOIN people p ON p.id = pa.person_id
        WHERE pa.account_id = $1 AND p.status = 'active' ORDER BY p.display_name LIMIT 500`,
      [accountId],
    );
  }

  link(accountId: string, dto: LinkContactDto) {
    return this.dataSource.transaction(async (m: EntityManager) => {
      if (!(await m.getRepository(Account).findOneBy({ id: accountId }))) throw notFound('ACCOUNT', accountId);
      const person = await lockActive(m, dto.contactId);
      if (dto.primary) await m.query(`UPDATE person_accounts SET is_primary = false WHERE person_id = $1`, [dto.contactId]);
      await m.query(
        `INSERT INTO person_accounts (person_id, account_id, role, title, is_primary) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (person_id, account_id) DO UPDATE SET role = EXCLUDED.role, title = EXCLUDED.title, is_primary = EXCLUDED.is_primary`,
        [dto.contactId, accountId, dto.role ?? null, dto.title ?? null, dto.primary ?? false],
      );
      person.version += 1;
      person.updatedAt = new Date();
      await m.query(`UPDATE people SET version = $2, updated_at = $3 WHERE id = $1`, [person.id, person.version, person.updatedAt]);
      return this.people.publishChange(m, person.id, CONTACTS_EVENTS.contactUpdated);
    });
  }
}
