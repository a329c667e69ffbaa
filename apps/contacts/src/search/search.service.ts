import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '@crm/persistence';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { unstorableText, validationFailed } from '@crm/platform';
import { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { parseCustomFieldFilters } from './custom-field-filter';
import type { SearchQueryDto, Sort } from './dto/search-query.dto';
import { contactsError } from '../shared/contacts-errors';

export interface PersonHit {
  id: string;
  displayName: string;
  primaryEmail: string | null;
  lifecycleStage: string;
  country: string | null;
  city: string | null;
  tags: string[];
  sourceChannel: string | null;
  ownerId: string | null;
  accountName: string | null;
  createdAt: string;
  score?: number;
}

export interface PersonSearchPage {
  items: PersonHit[];
  nextCursor: string | null;
}

interface Row {
  id: string;
  display_name: string;
  primary_email: string | null;
  lifecycle_stage: string;
  country: string | null;
  city: string | null;
  tags: string[];
  source_channel: string | null;
  owner_id: string | null;
  account_name: string | null;
  created_at: Date;
  sort_key: string | number;
  score: number | null;
}

const ORDER: Record<Sort, { key: string; dir: 'ASC' | 'DESC' }> = {
  createdAt: { key: 'p.id::text', dir: 'ASC' },
  '-createdAt': { key: 'p.id::text', dir: 'DESC' },
  name: { key: 'lower(p.display_name)', dir: 'ASC' },
  '-name': { key: 'lower(p.display_name)', dir: 'DESC' },
  relevance: { key: 'score', dir: 'DESC' },
};

/**
 * Search over active people: full-text and trigram (fuzzy) matching, filters,
 * keyset pages. uuidv7 ids are time-ordered, so they stand in for createdAt.
 */
@Injectable()
export class SearchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customFields: CustomFieldsService,
  ) {}

  async search(query: SearchQueryDto): Promise<PersonSearchPage> {
    const limit = query.limit ?? 50;
    const q = query.q?.trim().toLowerCase() || undefined;
    // Request-reply callers skip the HTTP pipe: text Postgres cannot take is refused here too.
    const badQ = q === undefined ? undefined : unstorableText(q);
    if (badQ) throw validationFailed([{ field: 'q', message: badQ }]);
    const sort: Sort = query.sort ?? (q ? 'relevance' : '-createdAt');
    if (sort === 'relevance' && !q) throw validationFailed([{ field: 'sort', message: 'relevance needs q' }]);
    const filters = query.cf ? parseCustomFieldFilters(query.cf, await this.customFields.definitions()) : [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`p.status = 'active'`];
    let score = 'NULL::real';
    if (q) {
      const qp = p(q);
      const phone = phoneIn(q);
      const phoneMatch = phone
        ? `p.id IN (SELECT ph.person_id FROM person_phones ph WHERE ph.number = ${p(phone)})`
        : 'false';
      score = `(ts_rank(p.search_vector, plainto_tsquery('simple', ${qp})) + word_similarity(${qp}, p.search_text) + CASE WHEN ${phoneMatch} THEN 1 ELSE 0 END)`;
      // <% (word similarity above pg_trgm.word_similarity_threshold, set per query) can use the trigram index.
      where.push(`(p.search_vector @@ plainto_tsquery('simple', ${qp}) OR ${qp} <% p.search_text OR ${phoneMatch})`);
    }
    if (query.tag?.length) where.push(`p.tags && ${p(query.tag)}::text[]`);
    if (query.stage) where.push(`p.lifecycle_stage = ${p(query.stage)}`);
    if (query.country) where.push(`p.country = ${p(query.country.toUpperCase())}`);
    if (query.sourceChannel) where.push(`p.source_channel = ${p(query.sourceChannel)}`);
    if (query.owner) where.push(`p.owner_id = ${p(query.owner)}`);
    for (const f of filters) {
      where.push(
        `(${f.values.map((v) => `p.custom_fields @> ${p(JSON.stringify({ [f.key]: v }))}::jsonb`).join(' OR ')})`,
      );
    }
    const order = ORDER[sort];
    const sortExpr = sort === 'relevance' ? score : order.key;
    if (query.cursor) {
      const [cursorSort, value, id] = decodeCursor(query.cursor, 3);
      const valueType = sort === 'relevance' ? 'number' : 'string';
      if (cursorSort !== sort || typeof value !== valueType || typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) {
        throw contactsError('CURSOR_INVALID', 'The cursor belongs to another listing or sort order', {
          errors: [{ field: 'cursor', message: 'does not match this sort order' }],
        });
      }
      const cmp = order.dir === 'ASC' ? '>' : '<';
      const valueCast = sort === 'relevance' ? '::real' : '::text';
      where.push(`(${sortExpr}, p.id) ${cmp} (${p(value)}${valueCast}, ${p(id)}::uuid)`);
    }
    const sql = `SELECT p.id, p.display_name, p.lifecycle_stage, p.country, p.city, p.tags, p.source_channel, p.owner_id, p.created_at,
              (SELECT e.address FROM person_emails e WHERE e.person_id = p.id AND e.active ORDER BY e.is_primary DESC LIMIT 1) AS primary_email,
              (SELECT a.name FROM person_accounts pa JOIN accounts a ON a.id = pa.account_id WHERE pa.person_id = p.id ORDER BY pa.is_primary DESC LIMIT 1) AS account_name,
              ${score} AS score, ${sortExpr} AS sort_key
         FROM people p
        WHERE ${where.join(' AND ')}
        ORDER BY ${sortExpr} ${order.dir}, p.id ${order.dir}
        LIMIT ${p(limit + 1)}`;
    const rows: Row[] = q
      ? await this.dataSource.transaction(async (m) => {
          await m.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(FUZZY_THRESHOLD)]);
          return m.query(sql, params);
        })
      : await this.dataSource.query(sql, params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toHit),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor([sort, typeof last.sort_key === 'number' ? last.sort_key : String(last.sort_key), last.id])
          : null,
    };
  }
}

/**
 * Word similarity a fuzzy match needs: 0.5 lets one missing or swapped letter
 * of a surname through (`lovlace` ~ `lovelace` is 0.55), where pg_trgm's
 * default 0.6 does not.
 */
const FUZZY_THRESHOLD = 0.5;

/** q read as a phone number in E.164 (national numbers in DEFAULT_PHONE_REGION), when it looks like one. */
function phoneIn(q: string): string | undefined {
  if (!/^\+?[\d\s().-]{6,25}$/.test(q) || q.replace(/\D/g, '').length < 6) return undefined;
  const region = (process.env['DEFAULT_PHONE_REGION'] ?? 'FR').toUpperCase() as CountryCode;
  const parsed = parsePhoneNumberFromString(q, region);
  return parsed?.isValid() ? parsed.number : undefined;
}

function toHit(r: Row): PersonHit {
  return {
    id: r.id,
    displayName: r.display_name,
    primaryEmail: r.primary_email,
    lifecycleStage: r.lifecycle_stage,
    country: r.country,
    city: r.city,
    tags: r.tags,
    sourceChannel: r.source_channel,
    ownerId: r.owner_id,
    accountName: r.account_name,
    createdAt: r.created_at.toISOString(),
    ...(r.score !== null ? { score: Number(r.score) } : {}),
  };
}
