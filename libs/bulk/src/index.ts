export { CsvReader } from './csv/csv-reader';
export { sniffDelimiter, csvCell, spreadsheetCell, copyText, arrayLiteral } from './csv/csv-text';
export {
  ImportJobs,
  recordErrors,
  type AfterStaging,
  type ImportBatch,
  type ImportBatchResult,
  type ImportKind,
  type ImportMapping,
  type ImportProblem,
  type ImportRowPreparer,
  type ImportState,
  type ImportStatus,
  type OnMatch,
  type UploadOptions,
} from './imports/import-jobs';
export { IMPORT_TABLES_SQL, DROP_IMPORT_TABLES_SQL } from './imports/import-tables';
export {
  exportLines,
  csvValue,
  checkExportColumns,
  ExportAudit,
  exportAuditSql,
  type ExportFormat,
  type ExportPage,
  type ExportSource,
} from './exports/export-stream';
export {
  CSV_TYPES,
  importMaxBytes,
  acceptCsvBodies,
  csvBody,
  delimiterOf,
  sendText,
  sendEvents,
} from './imports/import-http';
export {
  ImportUploadQueryDto,
  ImportUploadWithMatchQueryDto,
  ImportIdParams,
  ImportStatusDto,
} from './imports/import.dto';
