import { plainToInstance } from 'class-transformer';
import { isEmail, length, maxLength, validate, validateSync, type ValidationError } from 'class-validator';
import { arrayLiteral, copyText } from '@crm/bulk';
import { DomainError, unstorableText } from '@crm/platform';
import { CONSENT_CHANNELS, CONSENT_PURPOSES } from '../consent/consent.entity';
import { checkCustomFields, type Definition } from '../custom-fields/check-custom-fields';
import { CreatePersonDto } from '../people/dto/person.dto';
import { normaliseEmail, normalisePhone, searchText } from '../shared/normalise';

/** Fields a CSV column can be mapped to; `cf.<key>` maps to a custom field, `consent.<channel>.<purpose>` to a decision. */
export const IMPORT_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'country',
  'region',
  'city',
  'locale',
  'occupation',
  'birthDate',
  'lifecycleStage',
  'ownerId',
  'tags',
  'externalId',
  'sourceChannel',
  'sourceCampaign',
  'utmSource',
  'utmMedium',
  'utmCampaign',
] as const;

export const CUSTOM_FIELD_COLUMN = /^cf\.[a-z][a-z0-9_]{0,49}$/;
export const CONSENT_COLUMN = new RegExp(
  `^consent\\.(${CONSENT_CHANNELS.join('|')})\\.(${CONSENT_PURPOSES.join('|')})$`,
);

export interface ImportMapping {
  /** CSV header -> field (one of IMPORT_FIELDS, `cf.<key>` or `consent.<channel>.<purpose>`). */
  columns: Record<string, string>;
  /** Source system of the `externalId` column (default `import`). */
  externalSource?: string;
  /** Separator of several tags in one cell (default `|`). */
  tagSeparator?: string;
  /** Source recorded with the consent columns' decisions (default `import`). */
  consentSource?: string;
}

export interface Problem {
  column: string;
  value: string | null;
  message: string;
}

/** A row ready for the staging table: normalised as the API stores it. */
export interface StagedRow {
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  locale: string | null;
  occupation: string | null;
  birthDate: string | null;
  lifecycleStage: string | null;
  ownerId: string | null;
  tags: string[] | null;
  externalId: string | null;
  source: Record<string, string> | null;
  customFields: Record<string, unknown> | null;
  consents: { channel: string; purpose: string; granted: boolean }[] | null;
  searchText: string;
}

/**
 * Addresses of this plain shape are ones class-validator's isEmail accepts (a dot-atom local part of
 * at most 64 characters, a host name of letter/digit labels with a letter TLD): checked in a spec
 * against isEmail itself. Anything else is asked of isEmail, which is slower (it measures byte
 * lengths through encodeURI).
 */
export const PLAIN_EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]{1,64}(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]{1,64})*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function plainEmail(address: string): boolean {
  return address.length <= 254 && PLAIN_EMAIL.test(address) && address.indexOf('@') <= 64;
}

const GRANTED = /^(true|yes|y|1|granted|opt-?in)$/i;
const WITHDRAWN = /^(false|no|n|0|withdrawn|denied|opt-?out)$/i;

/**
 * Checks and normalises CSV rows with the API's own rules. The common case is
 * decided cheaply: the class-validator functions the DTO's decorators call,
 * and for fields with few distinct values (country, stage, locale, tags,
 * channel, birth date) the DTO's verdict on the value alone, remembered. A row
 * any of these doubts goes through the DTO's full validation, so what is
 * refused and the message given are the API's.
 */
export class RowPreparer {
  private readonly verdicts = new Map<string, boolean>();
  private readonly byField = new Map<string, string[]>();
  private readonly columns: [string, string][];
  private readonly definitions: Map<string, Definition>;

  constructor(
    private readonly mapping: ImportMapping,
    private readonly customDefinitions: Definition[],
  ) {
    this.columns = Object.entries(mapping.columns);
    for (const [col, field] of this.columns) this.byField.set(field, [...(this.byField.get(field) ?? []), col]);
    this.definitions = new Map(customDefinitions.map((d) => [d.key, d]));
  }

  async prepare(data: Record<string, string>): Promise<{ row?: StagedRow; problems: Problem[] }> {
    const problems: Problem[] = [];
    const v: Record<string, string> = {};
    const custom: Record<string, unknown> = {};
    const consents = new Map<string, { channel: string; purpose: string; granted: boolean }>();
    for (const [col, field] of this.columns) {
      const value = data[col];
      if (value === undefined || value === '') continue;
      const bad = unstorableText(value);
      if (bad) {
        problems.push({ column: col, value: null, message: bad });
        continue;
      }
      if (field.startsWith('cf.')) custom[field.slice(3)] = this.coerce(field.slice(3), value);
      else if (field.startsWith('consent.')) {
        const [, channel, purpose] = field.split('.');
        if (GRANTED.test(value)) consents.set(field, { channel, purpose, granted: true });
        else if (WITHDRAWN.test(value)) consents.set(field, { channel, purpose, granted: false });
        else problems.push({ column: col, value, message: 'must be true or false (yes/no, 1/0, granted/withdrawn)' });
      } else v[field] = value;
    }
    if (problems.length) return { problems };
    const sep = this.mapping.tagSeparator ?? '|';
    const tags =
      v['tags'] === undefined
        ? null
        : [
            ...new Set(
              v['tags']
                .split(sep)
                .map((t) => t.trim())
                .filter(Boolean),
            ),
          ];
    const source: Record<string, string> = {};
    if (v['sourceChannel'] !== undefined) source['channel'] = v['sourceChannel'];
    if (v['sourceCampaign'] !== undefined) source['campaign'] = v['sourceCampaign'];
    for (const k of ['utmSource', 'utmMedium', 'utmCampaign']) if (v[k] !== undefined) source[k] = v[k];
    const hasSource = Object.keys(source).length > 0;
    if (!this.quickCheck(v, tags, hasSource ? source : undefined)) {
      const found = await this.fullCheck(data);
      if (found.length) return { problems: found };
    }
    let phone: string | null = null;
    if (v['phone'] !== undefined) {
      try {
        phone = normalisePhone(v['phone'], v['country'], 'phones.0.number');
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return { problems: this.domainProblems(error, data) };
      }
    }
    const hasCustom = Object.keys(custom).length > 0;
    const customProblems = checkCustomFields(custom, this.customDefinitions, false);
    if (customProblems.length) {
      return {
        problems: customProblems.map((p) => {
          const col = this.column(`cf.${p.field.slice('customFields.'.length)}`);
          return { column: col, value: data[col] ?? null, message: p.message };
        }),
      };
    }
    const email = v['email'] === undefined ? null : normaliseEmail(v['email']);
    const firstName = v['firstName'].trim();
    const lastName = v['lastName'].trim();
    return {
      problems,
      row: {
        firstName,
        lastName,
        email,
        phone,
        country: v['country']?.toUpperCase() ?? null,
        region: v['region'] ?? null,
        city: v['city'] ?? null,
        locale: v['locale'] ?? null,
        occupation: v['occupation'] ?? null,
        birthDate: v['birthDate'] ?? null,
        lifecycleStage: v['lifecycleStage'] ?? null,
        ownerId: v['ownerId'] ?? null,
        tags,
        externalId: v['externalId']?.trim() ?? null,
        source: hasSource ? source : null,
        customFields: hasCustom ? custom : null,
        consents: consents.size ? [...consents.values()] : null,
        searchText: searchText([firstName, lastName, email]),
      },
    };
  }

  /** A CSV cell as the JSON value a custom field of its type takes ("42" for a number field is 42). */
  private coerce(key: string, value: string): unknown {
    const type = this.definitions.get(key)?.type;
    if (type === 'number' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    if (type === 'boolean' && GRANTED.test(value)) return true;
    if (type === 'boolean' && WITHDRAWN.test(value)) return false;
    return value;
  }

  /** True only when the DTO's validation would find nothing wrong. */
  private quickCheck(v: Record<string, string>, tags: string[] | null, source: Record<string, string> | undefined) {
    const names = ['firstName', 'lastName'].every((k) => {
      const s = v[k];
      return s !== undefined && length(s, 1, 100) && s.trim().length > 0;
    });
    if (!names) return false;
    if (v['email'] !== undefined && !(isEmail(v['email'].trim(), {}) && maxLength(v['email'].trim(), 254)))
      return false;
    if (v['phone'] !== undefined && !length(v['phone'], 3, 32)) return false;
    for (const k of ['region', 'city', 'occupation', 'ownerId'])
      if (v[k] !== undefined && !maxLength(v[k], 100)) return false;
    if (v['externalId'] !== undefined) {
      const id = v['externalId'].trim();
      if (!length(id, 1, 200) || !id.length) return false;
    }
    for (const k of ['country', 'lifecycleStage', 'locale', 'birthDate'] as const)
      if (v[k] !== undefined && !this.verdict(k, v[k])) return false;
    if (tags && (tags.length > 50 || !tags.every((t) => this.verdict('tags', t)))) return false;
    if (source) {
      if (source['channel'] === undefined || !this.verdict('sourceChannel', source['channel'])) return false;
      for (const k of ['campaign', 'utmSource', 'utmMedium', 'utmCampaign'])
        if (source[k] !== undefined && !maxLength(source[k], 200)) return false;
    }
    return true;
  }

  /** The DTO's verdict on one value of a field with few distinct values, asked once per value. */
  private verdict(field: string, value: string): boolean {
    const key = `${field}\u0000${value}`;
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    const body: Record<string, unknown> = { firstName: 'x', lastName: 'x' };
    if (field === 'tags') body['tags'] = [value];
    else if (field === 'sourceChannel') body['source'] = { channel: value };
    else body[field] = value;
    // Synchronous: none of these fields has an async validator.
    const failures = validateSync(plainToInstance(CreatePersonDto, body), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    const ok = failures.length === 0;
    if (this.verdicts.size < 100_000) this.verdicts.set(key, ok);
    return ok;
  }

  /** The API's validation of the row, with its messages, each on the CSV column it came from. */
  private async fullCheck(data: Record<string, string>): Promise<Problem[]> {
    const body: Record<string, unknown> = {};
    const source: Record<string, string> = {};
    for (const [col, field] of this.columns) {
      const value = data[col];
      if (value === undefined || value === '' || field.startsWith('cf.') || field.startsWith('consent.')) continue;
      if (field === 'email') body['emails'] = [{ address: value }];
      else if (field === 'phone') body['phones'] = [{ number: value }];
      else if (field === 'tags')
        body['tags'] = value
          .split(this.mapping.tagSeparator ?? '|')
          .map((t) => t.trim())
          .filter(Boolean);
      else if (field === 'externalId')
        body['externalIds'] = [{ source: this.mapping.externalSource ?? 'import', id: value }];
      else if (field === 'sourceChannel') source['channel'] = value;
      else if (field === 'sourceCampaign') source['campaign'] = value;
      else if (field.startsWith('utm')) source[field] = value;
      else body[field] = value;
    }
    if (Object.keys(source).length) body['source'] = source;
    const failures = await validate(plainToInstance(CreatePersonDto, body), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    const problems: Problem[] = [];
    for (const f of flatten(failures)) {
      const top = f.path.split('.')[0];
      const field =
        top === 'emails'
          ? 'email'
          : top === 'phones'
            ? 'phone'
            : top === 'externalIds'
              ? 'externalId'
              : top === 'source'
                ? sourceField(f.path.split('.')[1] ?? '')
                : top;
      const col = this.column(field);
      problems.push({ column: col, value: data[col] ?? null, message: f.message });
    }
    return problems;
  }

  private domainProblems(error: DomainError, data: Record<string, string>): Problem[] {
    return ((error.extra?.['errors'] as { field: string; message: string }[] | undefined) ?? []).map((e) => {
      const field = e.field.startsWith('phones') ? 'phone' : e.field;
      const col = this.column(field);
      return { column: col, value: data[col] ?? null, message: e.message };
    });
  }

  private column(field: string): string {
    return this.byField.get(field)?.[0] ?? field;
  }
}

function sourceField(key: string): string {
  if (key === 'channel') return 'sourceChannel';
  if (key === 'campaign') return 'sourceCampaign';
  return key;
}

function flatten(errors: ValidationError[], prefix = ''): { path: string; message: string }[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** The staging table's columns after import_id and row_no, in the order stagedRow writes them. */
export const STAGED_COLUMNS =
  'ok, first_name, last_name, email, phone, country, region, city, locale, occupation, birth_date, ' +
  'lifecycle_stage, owner_id, tags, external_id, source, custom_fields, consents, search_text';

/** The staged line of a refused row (counted as failed by its batch). */
export const REFUSED_ROW = `f${'\t\\N'.repeat(18)}`;

/** A row's staged line after import_id and row_no, in COPY's text format. */
export function stagedRow(r: StagedRow): string {
  const json = (x: unknown) => (x === null ? '\\N' : copyText(JSON.stringify(x)));
  return [
    't',
    copyText(r.firstName),
    copyText(r.lastName),
    copyText(r.email),
    copyText(r.phone),
    copyText(r.country),
    copyText(r.region),
    copyText(r.city),
    copyText(r.locale),
    copyText(r.occupation),
    copyText(r.birthDate),
    copyText(r.lifecycleStage),
    copyText(r.ownerId),
    r.tags === null ? '\\N' : copyText(arrayLiteral(r.tags)),
    copyText(r.externalId),
    json(r.source),
    json(r.customFields),
    json(r.consents),
    copyText(r.searchText),
  ].join('\t');
}
