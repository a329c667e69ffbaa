/**
 * The contacts service as a process of its own, for specs that kill it for real (SIGKILL mid-import).
 * Configured by the environment like the service; prints `LISTENING <url>` once it answers.
 *   node -r ts-node/register -r tsconfig-paths/register apps/contacts/src/imports/testing/contacts-process.ts
 */
import { createServiceApp } from '@crm/platform';
import { AppModule } from '../../app.module';

async function start(): Promise<void> {
  const app = await createServiceApp({ name: 'contacts', appModule: AppModule, rpc: false });
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`LISTENING ${await app.getUrl()}\n`);
}

start().catch((error: unknown) => {
  process.stderr.write(`contacts process failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
