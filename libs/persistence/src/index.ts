export { uuidv7, isUuid } from './ids/uuidv7';
export { postgresOptions, type PostgresOptionsInput } from './database/postgres-options';
export { SafeQueryLogger } from './database/query-logger';
export { runMigrations, ensureDatabase, dropDatabase } from './database/migrations';
export { inTransaction, type TransactionOptions } from './database/transaction';
export { returnedRows, queryReturning } from './database/returned-rows';
export { createTestDatabase, type TestDatabase } from './testing/test-database';
export { encodeCursor, decodeCursor, type CursorValue } from './cursor/cursor';
export { PersistenceModule, type PersistenceModuleOptions } from './persistence.module';
