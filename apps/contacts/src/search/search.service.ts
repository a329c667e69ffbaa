import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, isUuid } from '@crm/persistence';
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
  /** The relevance tier that found the row. */
  tier?: Pass;
}

/** How the people of a q were found; a cursor carries it, so every page of a listing asks the same. */
type Pass = 'exact' | 'name' | 'text' | 'fuzzyname' | 'fuzzy' | 'trigram';
const PASSES: readonly string[] = ['exact', 'name', 'text', 'fuzzyname', 'fuzzy', 'trigram'];

/** Relevance of each tier (`score` of a hit): an exact key, the name, full text, a corrected name (1 + similarity), corrected full text; trigram similarity is below 1. */
const EXACT_SCORE = 10;
const NAME_SCORE = 3;
const TEXT_SCORE = 2;
const FUZZY_SCORE = 1;
/** At most this many words are tried as a first and last name; corrected name combinations tried. */
const MAX_NAME_WORDS = 4;
const MAX_FUZZY_NAMES = 8;
/** Completions of a last word put in a full-text query instead of its prefix; dictionary rows read for them. */
const MAX_COMPLETIONS = 20;
const COMPLETION_ROWS = 64;
/** Newest people a full-text tier tests one by one before it reads the older matches from the GIN index. */
const TEXT_WINDOW = 1000;

/** Relevance ranks at most this many matches: the first found by the index, filters applied. */
export const RELEVANCE_CANDIDATES = 200;
/** Fewer full-text hits than this (on a first page) and misspellings are tried too. */
const FUZZY_BELOW = 3;
/** Trigram similarity a dictionary word needs to stand in for a misspelt one (`lovelase` ~ `lovelace` is 0.5). */
export const FUZZY_SIMILARITY = 0.4;
/** Corrections tried per misspelt word. */
const FUZZY_WORDS = 5;
const MAX_WORDS = 8;
/**
 * Word similarity the last, trigram pass needs: 0.5 lets one missing or
 * swapped letter through (`lovlace` ~ `lovelace` is 0.55), where pg_trgm's
 * default 0.6 does not.
 */
const TRIGRAM_THRESHOLD = 0.5;

const empty = (): PersonSearchPage => ({ items: [], nextCursor: null });

const COLUMNS = `p.id, p.display_name, p.lifecycle_stage, p.country, p.city, p.tags, p.source_channel, p.owner_id, p.created_at`;
/** The per-row lookups of a page's rows (`r`), run for the rows returned only. */
const LOOKUPS = `(SELECT e.address FROM person_emails e WHERE e.person_id = r.id AND e.active ORDER BY e.is_primary DESC LIMIT 1) AS primary_email,
              (SELECT a.name FROM person_accounts pa JOIN accounts a ON a.id = pa.account_id WHERE pa.person_id = r.id ORDER BY pa.is_primary DESC LIMIT 1) AS account_name`;

/**
 * Search over active people, every shape from an index or a bounded set:
 * - no q: keyset pages on indexed keys (id, which is uuidv7 so creation
 *   order, or lower(display_name), id);
 * - a q that is an email, a phone number (any format) or an external id: its
 *   own index first; when it finds someone, that is the answer;
 * - otherwise full text (each word of 3+ letters a prefix, for type-ahead)
 *   through the GIN index; relevance ranks at most RELEVANCE_CANDIDATES
 *   matches, never every match;
 * - when full text finds (almost) nothing, misspelt words are corrected
 *   against the dictionary of words people have (`search_words`, trigram
 *   indexed) and full text runs again with the corrections.
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
    const cfFilters = query.cf ? parseCustomFieldFilters(query.cf, await this.customFields.definitions()) : [];
    const cursor = query.cursor ? readCursor(query.cursor, sort, !!q) : undefined;

    const build = new Sql();
    const filters: string[] = [];
    if (query.tag?.length) filters.push(`p.tags && ${build.p(query.tag)}::text[]`);
    if (query.stage) filters.push(`p.lifecycle_stage = ${build.p(query.stage)}`);
    if (query.country) filters.push(`p.country = ${build.p(query.country.toUpperCase())}`);
    if (query.sourceChannel) filters.push(`p.source_channel = ${build.p(query.sourceChannel)}`);
    if (query.owner) filters.push(`p.owner_id = ${build.p(query.owner)}`);
    for (const f of cfFilters) {
      filters.push(
        `(${f.values.map((v) => `p.custom_fields @> ${build.p(JSON.stringify({ [f.key]: v }))}::jsonb`).join(' OR ')})`,
      );
    }
    if (!q) return this.page(build, [`p.status = 'active'`, ...filters], sort, 'text', limit, cursor, null);
    // With q, the filters are checked on the rows the text index finds, never through their own indexes:
    // a bitmap of everyone tagged `vip` (or every customer) costs more than the capped text matches.
    const where = [`p.status = 'active'`, ...(filters.length ? [`(${filters.join(' AND ')}) IS TRUE`] : [])];

    const words = wordsOf(q);
    const exactKeys = exactShape(q, words);
    if (exactKeys && (!cursor || cursor.pass === 'exact')) {
      const ids = await this.exactMatches(exactKeys);
      if (ids.length) {
        where.push(`p.id = ANY(${build.p(ids)}::uuid[])`);
        return this.page(build, where, sort, 'exact', limit, cursor, { score: `${EXACT_SCORE}::real`, cap: false });
      }
    }
    if (!words.length) return empty();
    if (sort === 'relevance') return this.relevance(build, where, q, words, limit, cursor);
    let found: PersonSearchPage | undefined;
    if (!cursor || cursor.pass === 'text') {
      const text = build.clone();
      const tsq = text.p(tsqueryOf(words));
      found = await this.page(
        text,
        [...where, `p.search_vector @@ to_tsquery('simple', ${tsq})`],
        sort,
        'text',
        limit,
        cursor,
        {
          score: textScore(text, tsq, q),
          cap: false,
        },
      );
      if (cursor || found.items.length >= Math.min(FUZZY_BELOW, limit)) return found;
    }
    let fuzzy: PersonSearchPage | undefined;
    if (!cursor || cursor.pass === 'fuzzy') {
      const corrections = await this.corrections(words);
      if (corrections.length) {
        const f = build.clone();
        const tsq = f.p(fuzzyTsquery(words, corrections));
        const exactTsq = f.p(tsqueryOf(words));
        const bonus = corrections
          .map(
            (c) =>
              `CASE WHEN p.search_vector @@ to_tsquery('simple', ${f.p(quoted(c.word))}) THEN ${c.similarity.toFixed(3)} ELSE 0 END`,
          )
          .join(' + ');
        const score = `(ts_rank(p.search_vector, to_tsquery('simple', ${tsq})) + CASE WHEN p.search_vector @@ to_tsquery('simple', ${exactTsq}) THEN 1 ELSE 0 END + ${bonus})::real`;
        fuzzy = await this.page(
          f,
          [...where, `p.search_vector @@ to_tsquery('simple', ${tsq})`],
          sort,
          'fuzzy',
          limit,
          cursor,
          {
            score,
            cap: false,
          },
        );
      }
      if (cursor || (fuzzy && fuzzy.items.length >= Math.min(FUZZY_BELOW, limit))) return fuzzy ?? empty();
    }
    // Last: trigrams over the whole search text (parts of emails, words the dictionary leaves out), capped.
    const qp = build.p(q);
    const trigram = await this.page(build, [...where, `${qp} <% p.search_text`], sort, 'trigram', limit, cursor, {
      score: `(word_similarity(${qp}, p.search_text) + CASE WHEN p.search_vector @@ plainto_tsquery('simple', ${qp}) THEN 1 ELSE 0 END)::real`,
      cap: false,
      threshold: TRIGRAM_THRESHOLD,
    });
    const best = [found, fuzzy, trigram].filter((x): x is PersonSearchPage => !!x);
    return best.reduce((a, b) => (b.items.length > a.items.length ? b : a));
  }

  /**
   * Relevance without ranking every match: tiers, best first, each a keyset
   * on indexed keys (newest first inside a tier), so a page reads about the
   * rows it returns:
   * 1. `name`: q's words are the person's first and last name (btree indexes
   *    on lower(last_name), lower(first_name), both);
   * 2. `text`: full text (the last word a prefix, for type-ahead), the
   *    name matches left out;
   * when these find fewer than FUZZY_BELOW on a first page, misspelt words
   * are corrected against `search_words` and
   * 3. `fuzzyname`: the corrected words as names (closest correction first),
   * 4. `fuzzy`: full text with the corrections;
   * and when those too find too little, 5. `trigram` over the search text
   * (capped). A page that empties a tier goes on with the next of its group
   * (name then text; fuzzyname then fuzzy), so paging returns every match
   * once; the cursor names the tier and its keyset.
   */
  private async relevance(
    base: Sql,
    where: string[],
    q: string,
    words: string[],
    limit: number,
    cursor: Cursor | undefined,
  ): Promise<PersonSearchPage> {
    const need = limit + 1;
    const names = nameArms(nameWordsOf(q), NAME_SCORE);
    // Several words: the last one's completions as whole words (see completions()).
    const tsq = tsqueryOf(words, words.length > 1 ? await this.completions(words[words.length - 1]) : undefined);
    const rows: Row[] = [];
    const from = cursor?.pass;
    const at = (pass: Pass) => (from === pass ? cursor : undefined);
    if (!from || from === 'name' || from === 'text') {
      // Name and text in one statement: its text part runs only when the name part leaves room.
      const b = base.clone();
      const lim = b.p(need);
      const parts: string[] = [];
      if (!from || from === 'name') parts.push(...this.armsSql(b, where, names, 'name', lim, at('name')));
      const text = [
        ...where,
        `p.search_vector @@ to_tsquery('simple', ${b.p(tsq)})`,
        `(${nameCondition(b, names)}) IS NOT TRUE`,
      ];
      parts.push(...this.tierSql(b, text, TEXT_SCORE, 'text', lim, at('text')));
      rows.push(...(await this.runTiers(b, parts, lim)));
    }
    const few = !cursor && rows.length < Math.min(FUZZY_BELOW, limit);
    let corrections: Correction[] | undefined;
    if (few || from === 'fuzzyname' || from === 'fuzzy' || from === 'trigram') {
      corrections = await this.corrections(words);
    }
    const fuzzyNames = corrections?.length ? fuzzyNameArms(nameWordsOf(q), corrections) : [];
    if (corrections?.length && (few || from === 'fuzzyname' || from === 'fuzzy')) {
      // What the tiers above found is left out of the corrected ones, so no one is listed twice.
      const b = base.clone();
      const lim = b.p(need - rows.length);
      const known = [
        ...where,
        `(${nameCondition(b, names)}) IS NOT TRUE`,
        `(p.search_vector @@ to_tsquery('simple', ${b.p(tsq)})) IS NOT TRUE`,
      ];
      const parts: string[] = [];
      if (from !== 'fuzzy') parts.push(...this.armsSql(b, known, fuzzyNames, 'fuzzyname', lim, at('fuzzyname')));
      const fuzzy = [
        ...known,
        `p.search_vector @@ to_tsquery('simple', ${b.p(fuzzyTsquery(words, corrections))})`,
        `(${nameCondition(b, fuzzyNames)}) IS NOT TRUE`,
      ];
      parts.push(...this.tierSql(b, fuzzy, FUZZY_SCORE, 'fuzzy', lim, at('fuzzy')));
      rows.push(...(await this.runTiers(b, parts, lim)));
    }
    if ((!cursor && rows.length < Math.min(FUZZY_BELOW, limit)) || from === 'trigram') {
      // Last: trigrams over the whole search text (parts of emails, words the dictionary leaves out), capped;
      // what the tiers above match is left out.
      const b = base.clone();
      const qp = b.p(q);
      const tsqAll = b.p(corrections?.length ? fuzzyTsquery(words, corrections) : tsq);
      const trigramWhere = [
        ...where,
        `${qp} <% p.search_text`,
        `(p.search_vector @@ to_tsquery('simple', ${tsqAll})) IS NOT TRUE`,
        `(${nameCondition(b, names)}) IS NOT TRUE`,
        `(${nameCondition(b, fuzzyNames)}) IS NOT TRUE`,
      ];
      rows.push(...(await this.trigramTier(b, trigramWhere, qp, need - rows.length, at('trigram'))));
    }
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toHit),
      nextCursor:
        rows.length > limit && last ? encodeCursor([`relevance:${last.tier}`, Number(last.score), last.id]) : null,
    };
  }

  /**
   * The people of name arms (first and/or last name equal to given words), each arm from its btree
   * index newest first, an arm leaving out who an earlier arm has; ordered by the arms' scores, then
   * id, after the cursor. No arm left: no part.
   */
  private armsSql(build: Sql, where: string[], arms: NameArm[], tier: Pass, lim: string, cursor?: Cursor): string[] {
    const parts: string[] = [];
    const cs = cursor ? Number(cursor.value) : undefined;
    for (const [i, arm] of arms.entries()) {
      if (cs !== undefined && arm.score > cs) continue;
      const cond = [...where, armCondition(build, arm)];
      if (i > 0) cond.push(`(${nameCondition(build, arms.slice(0, i))}) IS NOT TRUE`);
      if (cursor && arm.score === cs) cond.push(`p.id < ${build.p(cursor.id)}::uuid`);
      parts.push(
        `(SELECT ${COLUMNS}, ${arm.score.toFixed(3)}::real AS score, '${tier}' AS tier FROM people p WHERE ${cond.join(' AND ')} ORDER BY p.id DESC LIMIT ${lim})`,
      );
    }
    return parts.length
      ? [`SELECT * FROM (${parts.join(' UNION ALL ')}) c ORDER BY c.score DESC, c.id DESC LIMIT ${lim}`]
      : [];
  }

  /**
   * A tier of one score: the people matching `where` (full text), newest first, after the cursor's id,
   * in two parts that UNION ALL runs in turn:
   * 1. the newest TEXT_WINDOW people (id index) tested one by one: a frequent word or prefix (`smi`)
   *    fills the page after a few hundred;
   * 2. only when that leaves room, the older matches through the GIN bitmap behind a fence (OFFSET 0;
   *    the id bound is written so no index takes it), then ordered: a rare word costs its few matches,
   *    a word in about 1% of people its thousands (the one shape still proportional to its matches).
   * Left to the planner, `ORDER BY id LIMIT` walked the id index for a rare word it thought frequent
   * (a misspelt word matching no one read all 1,000,000 rows, 1.2 s), and a fence alone fetched and
   * sorted every match of a frequent prefix (`smi`: 140,000, 4.9 s).
   */
  private tierSql(build: Sql, where: string[], score: number, tier: Pass, lim: string, cursor?: Cursor): string[] {
    const before = cursor ? [`p.id < ${build.p(cursor.id)}::uuid`] : [];
    const cols = `${COLUMNS}, ${score}::real AS score, '${tier}' AS tier`;
    const window = `SELECT p.* FROM people p WHERE ${[`p.status = 'active'`, ...before].join(' AND ')} ORDER BY p.id DESC LIMIT ${TEXT_WINDOW}`;
    const recent = `SELECT ${cols} FROM (${window}) p WHERE ${where.join(' AND ')} ORDER BY p.id DESC LIMIT ${lim}`;
    const older = `SELECT * FROM (SELECT ${cols} FROM people p WHERE ${[...where, ...before.map((c) => `(${c}) IS TRUE`)].join(' AND ')}
        AND (p.id < (${window.replace('SELECT p.*', 'SELECT p.id').replace(`LIMIT ${TEXT_WINDOW}`, `OFFSET ${TEXT_WINDOW - 1} LIMIT 1`)})) IS TRUE OFFSET 0) m
      ORDER BY m.id DESC LIMIT ${lim}`;
    return [recent, older];
  }

  /**
   * Tiers in one statement, best first: UNION ALL runs its parts in order and the LIMIT stops it
   * once the page is full, so a later tier's index is not read when an earlier one filled the page.
   * The rows' lookups run for the rows returned only.
   */
  private async runTiers(build: Sql, parts: string[], lim: string): Promise<Row[]> {
    const sql = `SELECT r.*, r.id::text AS sort_key, ${LOOKUPS}
         FROM (${parts.map((part) => `(${part})`).join(' UNION ALL ')}) r LIMIT ${lim}`;
    const rows: Row[] = await this.dataSource.query(sql, build.params);
    // The order of the tiers, as the statement gives it; sorted again only to be sure of it.
    const rank = (r: Row) => PASSES.indexOf(r.tier ?? 'text');
    return rows.sort(
      (a, b) => rank(a) - rank(b) || Number(b.score) - Number(a.score) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    );
  }

  /**
   * The trigram tier: word similarity of q with the search text through the trigram index, the first
   * RELEVANCE_CANDIDATES matches ranked (never every match), keyset on (similarity, id).
   */
  private async trigramTier(
    build: Sql,
    where: string[],
    qp: string,
    n: number,
    cursor: Cursor | undefined,
  ): Promise<Row[]> {
    const after = cursor
      ? `WHERE (c.score, c.id) < (${build.p(Number(cursor.value))}::real, ${build.p(cursor.id)}::uuid)`
      : '';
    const sql = `SELECT r.*, r.id::text AS sort_key, ${LOOKUPS}
         FROM (SELECT * FROM (SELECT ${COLUMNS}, word_similarity(${qp}, p.search_text)::real AS score, 'trigram' AS tier FROM people p
                WHERE ${where.join(' AND ')} LIMIT ${RELEVANCE_CANDIDATES}) c ${after}
               ORDER BY c.score DESC, c.id DESC LIMIT ${build.p(n)}) r
        ORDER BY r.score DESC, r.id DESC`;
    return this.dataSource.transaction(async (m) => {
      // <% (word similarity above pg_trgm.word_similarity_threshold, set for this query) uses the trigram index.
      await m.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(TRIGRAM_THRESHOLD)]);
      return m.query(sql, build.params);
    });
  }

  /**
   * The dictionary words a word of letters starts (`hopp` -> hopper, hoppe), at most MAX_COMPLETIONS,
   * else none (then the prefix itself is searched). A GIN prefix match reads every match of the
   * prefix before intersecting with the other words (`grace & hopper:*`: the 4,500 people at a
   * Hopper company, ~5 ms); whole words are intersected inside the index (`grace & hopper`: 13).
   */
  private async completions(word: string): Promise<string[] | undefined> {
    if (!/^[\p{L}'-]{3,40}$/u.test(word)) return undefined;
    const rows: { word: string }[] = await this.dataSource.query(
      `SELECT word FROM search_words WHERE word LIKE $1 ORDER BY word USING ~<~ LIMIT ${COMPLETION_ROWS}`,
      [`${word}%`],
    );
    const found = [...new Set(rows.map((r) => r.word))];
    return found.length && found.length <= MAX_COMPLETIONS && rows.length < COMPLETION_ROWS ? found : undefined;
  }

  /** People whose email, phone or external id is q, from those unique indexes. */
  private async exactMatches(keys: ExactKeys): Promise<string[]> {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (keys.email) {
      params.push(keys.email);
      parts.push(`SELECT person_id FROM person_emails WHERE active AND address = $${params.length}`);
    }
    if (keys.phone) {
      params.push(keys.phone);
      parts.push(`SELECT person_id FROM person_phones WHERE number = $${params.length}`);
    }
    if (keys.externalId) {
      params.push(keys.externalId.id);
      const id = `$${params.length}`;
      if (keys.externalId.source) {
        params.push(keys.externalId.source);
        parts.push(
          `SELECT person_id FROM person_external_ids WHERE active AND lower(external_id) = ${id} AND source = $${params.length}`,
        );
      } else {
        parts.push(`SELECT person_id FROM person_external_ids WHERE active AND lower(external_id) = ${id}`);
      }
    }
    const rows: { person_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT person_id FROM (${parts.join(' UNION ALL ')}) x LIMIT 1000`,
      params,
    );
    return rows.map((r) => r.person_id);
  }

  /** Dictionary words close to each misspelt word (trigram index on the small `search_words`). */
  private async corrections(words: string[]): Promise<Correction[]> {
    const rows: { token: string; word: string; similarity: number }[] = await this.dataSource.query(
      `SELECT t.token, w.word, w.similarity
         FROM unnest($1::text[]) AS t(token)
         CROSS JOIN LATERAL (
           SELECT DISTINCT word, similarity(word, t.token) AS similarity FROM search_words
            WHERE word % t.token AND word <> t.token
            ORDER BY 2 DESC, 1 LIMIT ${FUZZY_WORDS}) w
        WHERE w.similarity >= $2`,
      [words, FUZZY_SIMILARITY],
    );
    return rows.map((r) => ({ token: r.token, word: r.word, similarity: Number(r.similarity) }));
  }

  /**
   * One keyset page. With `ranked`, the people matching `where` are scored;
   * with `cap`, only the first RELEVANCE_CANDIDATES of them (relevance order).
   */
  private async page(
    build: Sql,
    where: string[],
    sort: Sort,
    pass: Pass,
    limit: number,
    cursor: Cursor | undefined,
    ranked: { score: string; cap: boolean; threshold?: number } | null,
  ): Promise<PersonSearchPage> {
    const score = ranked?.score ?? 'NULL::real';
    const key = sort === 'relevance' ? 'score' : sort.endsWith('name') ? 'name' : 'id';
    const dir = sort === 'relevance' || sort.startsWith('-') ? 'DESC' : 'ASC';
    const keyOf = (a: string) =>
      key === 'id' ? `${a}.id` : key === 'score' ? `${a}.score` : `lower(${a}.display_name)`;
    const orderOf = (a: string) => (key === 'id' ? `${a}.id ${dir}` : `${keyOf(a)} ${dir}, ${a}.id ${dir}`);
    let after = '';
    if (cursor) {
      const cmp = dir === 'DESC' ? '<' : '>';
      after =
        key === 'id'
          ? `WHERE c.id ${cmp} ${build.p(cursor.id)}::uuid`
          : `WHERE (${keyOf('c')}, c.id) ${cmp} (${build.p(cursor.value)}::${key === 'score' ? 'real' : 'text'}, ${build.p(cursor.id)}::uuid)`;
    }
    // Candidates (capped for relevance: the subquery keeps its LIMIT), the page of them on its keyset,
    // then the per-row lookups for the page's rows only. Without the cap Postgres pulls the subquery up,
    // so the keyset and order reach the indexes.
    const candidates = `SELECT ${COLUMNS}, ${score} AS score FROM people p WHERE ${where.join(' AND ')}${
      ranked?.cap ? ` LIMIT ${RELEVANCE_CANDIDATES}` : ''
    }`;
    const sql = `SELECT r.*, ${keyOf('r')}${key === 'id' ? '::text' : ''} AS sort_key, ${LOOKUPS}
         FROM (SELECT * FROM (${candidates}) c ${after} ORDER BY ${orderOf('c')} LIMIT ${build.p(limit + 1)}) r
        ORDER BY ${orderOf('r')}`;
    const threshold = ranked?.threshold;
    const rows: Row[] =
      threshold === undefined
        ? await this.dataSource.query(sql, build.params)
        : await this.dataSource.transaction(async (m) => {
            // <% (word similarity above pg_trgm.word_similarity_threshold, set for this query) uses the trigram index.
            await m.query(`SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)`, [String(threshold)]);
            return m.query(sql, build.params);
          });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const mark = pass === 'text' ? sort : `${sort}:${pass}`;
    return {
      items: page.map(toHit),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor([mark, typeof last.sort_key === 'number' ? last.sort_key : String(last.sort_key), last.id])
          : null,
    };
  }
}

/** Parameters of one statement; a clone shares what was bound so far and adds its own. */
class Sql {
  constructor(readonly params: unknown[] = []) {}
  p(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }
  clone(): Sql {
    return new Sql([...this.params]);
  }
}

interface Cursor {
  pass: Pass;
  value: string | number;
  id: string;
}

/** Cursors name their sort (and, with q, the pass that found the people); one of another listing is a 400. */
function readCursor(raw: string, sort: Sort, withQ: boolean): Cursor {
  const [mark, value, id] = decodeCursor(raw, 3);
  const [cursorSort, pass = 'text'] = typeof mark === 'string' ? mark.split(':') : [];
  const valueOk =
    sort === 'relevance'
      ? typeof value === 'number' && Number.isFinite(value)
      : sort.endsWith('name')
        ? typeof value === 'string'
        : typeof value === 'string' && value === id;
  if (cursorSort !== sort || !PASSES.includes(pass) || (pass !== 'text' && !withQ) || !valueOk || !isUuid(id)) {
    throw contactsError('CURSOR_INVALID', 'The cursor belongs to another listing or sort order', {
      errors: [{ field: 'cursor', message: 'does not match this sort order' }],
    });
  }
  return { pass: pass as Pass, value: value as string | number, id: id as string };
}

interface Correction {
  token: string;
  word: string;
  similarity: number;
}

/** The words of q as the text-search parser would split them (letters and digits; `@._+-` kept inside). */
export function wordsOf(q: string): string[] {
  return q
    .split(/[^\p{L}\p{N}@._+-]+/u)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w.length > 0)
    .slice(0, MAX_WORDS);
}

const quoted = (word: string) => `'${word.replace(/'/g, "''")}'`;
const lexeme = (w: string, prefix: boolean) => `'${w}'${prefix && w.length >= 3 ? ':*' : ''}`;

/**
 * Every word must match; the last one, of 3+ characters, as a prefix (type-ahead: `grace hopp` finds
 * Hopper). The words before it are whole words: a prefix matches every email lexeme starting with it
 * (`grace.hopper.12@…`), thousands of GIN entries for a first name.
 */
export function tsqueryOf(words: string[], completions?: string[]): string {
  return words
    .map((w, i) =>
      i < words.length - 1
        ? lexeme(w, false)
        : completions
          ? `(${completions.map(quoted).join(' | ')})`
          : lexeme(w, true),
    )
    .join(' & ');
}

function fuzzyTsquery(words: string[], corrections: Correction[]): string {
  return words
    .map((w, i) => {
      const alternatives = [
        lexeme(w, i === words.length - 1),
        ...corrections.filter((c) => c.token === w).map((c) => quoted(c.word)),
      ];
      return `(${alternatives.join(' | ')})`;
    })
    .join(' & ');
}

/** Full-text rank, a whole-word match above a prefix one, the exact name above all. */
function textScore(build: Sql, tsq: string, q: string): string {
  return `(ts_rank(p.search_vector, to_tsquery('simple', ${tsq}))
           + CASE WHEN p.search_vector @@ plainto_tsquery('simple', ${build.p(q)}) THEN 0.5 ELSE 0 END
           + CASE WHEN lower(p.display_name) = ${build.p(q)} THEN 2 ELSE 0 END)::real`;
}

/** People whose first and/or last name (lower-cased) are these words; an arm is read from its btree index. */
interface NameArm {
  first?: string;
  last?: string;
  score: number;
}

/** The words of q as names are written: split at spaces and commas (apostrophes and hyphens kept), repeats dropped. */
export function nameWordsOf(q: string): string[] {
  const words = q
    .split(/[\s,;]+/u)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w.length > 0);
  const unique = [...new Set(words)];
  return unique.length <= MAX_NAME_WORDS ? unique : [];
}

/**
 * The ways these words name someone: one word as the last or the first name; several as a first name
 * and a last name, split at each word boundary, in either order (`grace hopper`, `hopper grace`,
 * `mary ann smith`).
 */
export function nameArms(words: string[], score: number): NameArm[] {
  if (!words.length) return [];
  if (words.length === 1)
    return [
      { last: words[0], score },
      { first: words[0], score },
    ];
  const arms = new Map<string, NameArm>();
  for (let k = 1; k < words.length; k++) {
    const a = words.slice(0, k).join(' ');
    const b = words.slice(k).join(' ');
    arms.set(`${a}\u0000${b}`, { first: a, last: b, score });
    arms.set(`${b}\u0000${a}`, { first: b, last: a, score });
  }
  return [...arms.values()];
}

/**
 * Names with misspelt words corrected (one or two words): each word or one of its corrections, the
 * closest combinations first, scored 1 + the product of the similarities (below a name match, above
 * corrected full text).
 */
export function fuzzyNameArms(words: string[], corrections: Correction[]): NameArm[] {
  if (!words.length || words.length > 2) return [];
  let combos: { words: string[]; similarity: number }[] = [{ words: [], similarity: 1 }];
  for (const w of words) {
    const alternatives = [
      { word: w, similarity: 1 },
      ...corrections.filter((c) => c.token === w).map((c) => ({ word: c.word, similarity: c.similarity })),
    ];
    combos = combos.flatMap((c) =>
      alternatives.map((a) => ({ words: [...c.words, a.word], similarity: c.similarity * a.similarity })),
    );
  }
  const arms = combos
    .filter((c) => c.similarity < 1 && new Set(c.words).size === c.words.length)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, MAX_FUZZY_NAMES)
    .flatMap((c) => nameArms(c.words, Number((1 + c.similarity).toFixed(3))));
  const seen = new Set<string>();
  return arms.filter((a) => {
    const key = `${a.first ?? ''}\u0000${a.last ?? ''}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function armCondition(build: Sql, arm: NameArm): string {
  const parts: string[] = [];
  if (arm.last !== undefined) parts.push(`lower(p.last_name) = ${build.p(arm.last)}`);
  if (arm.first !== undefined) parts.push(`lower(p.first_name) = ${build.p(arm.first)}`);
  return `(${parts.join(' AND ')})`;
}

/** Whether a person is one of these arms (false for none). */
function nameCondition(build: Sql, arms: NameArm[]): string {
  return arms.length ? arms.map((a) => armCondition(build, a)).join(' OR ') : 'false';
}

interface ExactKeys {
  email?: string;
  phone?: string;
  externalId?: { source?: string; id: string };
}

/** What q can be looked up as in a unique index: an email, a phone number, an external id (`[source:]id` with a digit). */
function exactShape(q: string, words: string[]): ExactKeys | undefined {
  const keys: ExactKeys = {};
  if (/^[^\s@]+@[^\s@]+$/.test(q)) keys.email = q;
  const phone = phoneIn(q);
  if (phone) keys.phone = phone;
  if (!/\s/.test(q) && /\d/.test(q) && q.length <= 200) {
    const m = /^([a-z][a-z0-9_-]{0,49}):(.+)$/.exec(q);
    keys.externalId = m ? { source: m[1], id: m[2] } : { id: q };
  }
  void words;
  return Object.keys(keys).length ? keys : undefined;
}

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
