import { ensureDatabase, postgresOptions, runMigrations } from '@crm/persistence';
import { loadConfig, runService } from '@crm/platform';
import { AppModule, entities, migrations } from './app.module';
import { DocumentsConfig } from './shared/documents-config';

export async function migrate(): Promise<void> {
  const { DATABASE_URL } = loadConfig(DocumentsConfig);
  await ensureDatabase(DATABASE_URL);
  await runMigrations(postgresOptions({ url: DATABASE_URL, entities, migrations }));
}

export function main(): Promise<void> {
  return runService({ name: 'documents', appModule: AppModule, migrate });
}
