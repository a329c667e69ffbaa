import type { ImportKind } from '@crm/bulk';
import {
  ACCOUNT_REFUSED_ROW,
  ACCOUNT_STAGED_COLUMNS,
  AccountRowPreparer,
  checkAccountsMapping,
  type AccountsMapping,
} from './account-import-rows';
import { writeAccounts } from './account-import-writer';
import { batchRows, importNotFound, importTooLarge, mappingNotFound } from './contacts-import.kind';

/** Accounts (companies) from a CSV: checked as POST /accounts, matched by external id then domain. */
export const ACCOUNTS_IMPORT: ImportKind<AccountsMapping> = {
  kind: 'accounts',
  job: 'accounts-import',
  stagedTable: 'account_import_staged',
  stagedColumns: ACCOUNT_STAGED_COLUMNS,
  refusedRow: ACCOUNT_REFUSED_ROW,
  batchUnits: batchRows,
  checkMapping: checkAccountsMapping,
  preparer: (mapping) => Promise.resolve(new AccountRowPreparer(mapping)),
  writeBatch: writeAccounts,
  errors: { notFound: importNotFound, tooLarge: importTooLarge, mappingNotFound },
};
