import { installJobSchema } from '@crm/jobs';
import { ensureDatabase, postgresOptions, runMigrations } from '@crm/persistence';
import { loadConfig, runService, ServiceConfig } from '@crm/platform';
import { AppModule, entities, migrations } from './app.module';

export async function migrate(): Promise<void> {
  const { DATABASE_URL } = loadConfig(ServiceConfig);
  await ensureDatabase(DATABASE_URL);
  await runMigrations(postgresOptions({ url: DATABASE_URL, entities, migrations }));
  await installJobSchema(DATABASE_URL);
}

export function main(): Promise<void> {
  return runService({ name: 'contacts', appModule: AppModule, migrate });
}
