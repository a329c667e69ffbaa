import type { EntityManager } from 'typeorm';
import type { ImportBatch, ImportBatchResult, ImportKind, ImportMapping, ImportRowPreparer } from '@crm/bulk';
import { validationFailed, type FieldProblem } from '@crm/platform';
import type { CustomFieldsService } from '../custom-fields/custom-fields.service';
import { contactsError } from '../shared/contacts-errors';
import {
  CONSENT_COLUMN,
  CUSTOM_FIELD_COLUMN,
  IMPORT_FIELDS,
  REFUSED_ROW,
  RowPreparer,
  STAGED_COLUMNS,
  stagedRow,
} from './import-rows';
import { writeBatch } from './import-writer';

/** A contacts mapping: the columns and the sources and separator its values come with. */
export interface ContactsMapping extends ImportMapping {
  /** Source system of the `externalId` column (default `import`). */
  externalSource?: string;
  /** Separator of several tags in one cell (default `|`). */
  tagSeparator?: string;
  /** Source recorded with the consent columns' decisions (default `import`). */
  consentSource?: string;
}

/** Staged rows written per transaction (the checkpoint): IMPORT_BATCH_ROWS, default 20,000. */
export const batchRows = () => Math.max(1, Number(process.env['IMPORT_BATCH_ROWS'] ?? 20_000));

export function importNotFound(id: string) {
  return contactsError('IMPORT_NOT_FOUND', `No import ${id}`);
}

export function importTooLarge(maxBytes: number) {
  return contactsError('IMPORT_TOO_LARGE', `The file is over ${maxBytes} bytes`);
}

export function mappingNotFound(id: string) {
  return validationFailed([{ field: 'mappingId', message: `no import mapping ${id}` }]);
}

/** People from a CSV: checked with the API's own rules, matched by external id then primary email. */
export function contactsImportKind(customFields: CustomFieldsService): ImportKind<ContactsMapping> {
  return {
    kind: 'contacts',
    job: 'contacts-import',
    stagedTable: 'import_staged',
    stagedColumns: STAGED_COLUMNS,
    refusedRow: REFUSED_ROW,
    batchUnits: batchRows,
    checkMapping,
    async preparer(mapping): Promise<ImportRowPreparer> {
      const preparer = new RowPreparer(mapping, await customFields.definitions());
      return {
        async prepare(record) {
          const { row, problems } = await preparer.prepare(record);
          return { staged: row && !problems.length ? stagedRow(row) : null, problems };
        },
      };
    },
    async writeBatch(m: EntityManager, b: ImportBatch<ContactsMapping>): Promise<ImportBatchResult> {
      const r = await writeBatch(m, {
        importId: b.importId,
        from: b.from,
        to: b.to,
        externalSource: b.mapping.externalSource ?? 'import',
        consentSource: b.mapping.consentSource ?? 'import',
        onMatch: b.onMatch,
        dryRun: b.dryRun,
        requestedBy: b.requestedBy,
        headers: b.headers,
      });
      const column = header(b.mapping, 'email');
      return {
        ...r,
        errors: r.clashes.map((c) => ({
          row: c.row,
          column,
          value: c.email,
          message: `${c.email} already belongs to another contact`,
        })),
        missing: b.to - b.from - r.read,
      };
    },
    errors: { notFound: importNotFound, tooLarge: importTooLarge, mappingNotFound },
  };
}

function checkMapping(mapping: ContactsMapping): FieldProblem[] {
  const problems = Object.entries(mapping.columns ?? {})
    .filter(
      ([, f]) =>
        !(IMPORT_FIELDS as readonly string[]).includes(f) && !CUSTOM_FIELD_COLUMN.test(f) && !CONSENT_COLUMN.test(f),
    )
    .map(([col, f]) => ({ field: `columns.${col}`, message: `"${f}" is not a field an import can fill` }));
  const fields = Object.values(mapping.columns ?? {});
  if (fields.length > 500) problems.push({ field: 'columns', message: 'maps at most 500 columns' });
  for (const required of ['firstName', 'lastName'])
    if (!fields.includes(required)) problems.push({ field: 'columns', message: `no column is mapped to ${required}` });
  return problems;
}

function header(mapping: ImportMapping, field: string): string {
  return Object.entries(mapping.columns).find(([, f]) => f === field)?.[0] ?? field;
}
