import { plainToInstance } from 'class-transformer';
import { isFQDN, isIn, isISO31661Alpha2, validateSync } from 'class-validator';
import { copyText, type ImportMapping, type ImportProblem, type ImportRowPreparer } from '@crm/bulk';
import { flattenValidationErrors, unstorableText, type FieldProblem } from '@crm/platform';
import { SIZE_BANDS } from '../accounts/account.entity';
import { CreateAccountDto } from '../accounts/dto/account.dto';

/** Fields a CSV column can be mapped to in an accounts import. */
export const ACCOUNT_IMPORT_FIELDS = [
  'name',
  'domain',
  'industry',
  'sizeBand',
  'country',
  'city',
  'externalId',
] as const;
type AccountField = (typeof ACCOUNT_IMPORT_FIELDS)[number];

export interface AccountsMapping extends ImportMapping {
  /** Source system of the `externalId` column (default `import`). */
  externalSource?: string;
}

/** The staging table's columns after import_id and row_no. */
export const ACCOUNT_STAGED_COLUMNS = 'ok, name, domain, industry, size_band, country, city, external_id';
export const ACCOUNT_REFUSED_ROW = `f${'\t\\N'.repeat(7)}`;

export function checkAccountsMapping(mapping: AccountsMapping): FieldProblem[] {
  const columns = Object.entries(mapping.columns ?? {});
  const problems: FieldProblem[] = columns
    .filter(([, f]) => !(ACCOUNT_IMPORT_FIELDS as readonly string[]).includes(f))
    .map(([col, f]) => ({ field: `columns.${col}`, message: `"${f}" is not a field an accounts import can fill` }));
  if (columns.length > 50) problems.push({ field: 'columns', message: 'maps at most 50 columns' });
  if (!columns.some(([, f]) => f === 'name'))
    problems.push({ field: 'columns', message: 'no column is mapped to name' });
  return problems;
}

/**
 * Checks and normalises account rows as POST /accounts does: the common case
 * with the class-validator functions CreateAccountDto's decorators use, and a
 * row these doubt through the DTO itself, so the messages are the API's.
 */
export class AccountRowPreparer implements ImportRowPreparer {
  private readonly column = new Map<string, string>();

  constructor(private readonly mapping: AccountsMapping) {
    for (const [col, field] of Object.entries(mapping.columns))
      if (!this.column.has(field)) this.column.set(field, col);
  }

  prepare(data: Record<string, string>): { staged: string | null; problems: ImportProblem[] } {
    const v: Partial<Record<AccountField, string>> = {};
    const problems: ImportProblem[] = [];
    for (const [col, field] of Object.entries(this.mapping.columns)) {
      const value = data[col];
      if (value === undefined || value === '') continue;
      const bad = unstorableText(value);
      if (bad) problems.push({ column: col, value: null, message: bad });
      else v[field as AccountField] = value;
    }
    if (problems.length) return { staged: null, problems };
    if (v.name === undefined)
      return {
        staged: null,
        problems: [{ column: this.column.get('name') ?? 'name', value: null, message: 'is needed' }],
      };
    if (!this.quickCheck(v)) {
      const found = this.fullCheck(v);
      if (found.length) return { staged: null, problems: found };
    }
    return {
      problems: [],
      staged: [
        't',
        copyText(v.name.trim()),
        copyText(v.domain?.toLowerCase()),
        copyText(v.industry),
        copyText(v.sizeBand),
        copyText(v.country?.toUpperCase()),
        copyText(v.city),
        copyText(v.externalId?.trim()),
      ].join('\t'),
    };
  }

  private quickCheck(v: Partial<Record<AccountField, string>>): boolean {
    const name = v.name;
    return (
      name !== undefined &&
      name.length <= 200 &&
      name.trim().length > 0 &&
      (v.domain === undefined || (v.domain.length <= 253 && isFQDN(v.domain))) &&
      (v.industry === undefined || v.industry.length <= 100) &&
      (v.sizeBand === undefined || isIn(v.sizeBand, SIZE_BANDS)) &&
      (v.country === undefined || isISO31661Alpha2(v.country)) &&
      (v.city === undefined || v.city.length <= 100) &&
      (v.externalId === undefined || (v.externalId.trim().length > 0 && v.externalId.trim().length <= 200))
    );
  }

  private fullCheck(v: Partial<Record<AccountField, string>>): ImportProblem[] {
    const { externalId, ...fields } = v;
    const body = {
      ...fields,
      ...(externalId !== undefined
        ? { externalIds: [{ source: this.mapping.externalSource ?? 'import', id: externalId }] }
        : {}),
    };
    const failures = validateSync(plainToInstance(CreateAccountDto, body), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    return flattenValidationErrors(failures).map((f) => {
      const field = (f.field.startsWith('externalIds') ? 'externalId' : f.field) as AccountField;
      const col = this.column.get(field) ?? field;
      return { column: col, value: v[field] ?? null, message: f.message };
    });
  }
}
