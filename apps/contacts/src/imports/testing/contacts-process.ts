/**
 * The contacts service as a process of its own, for specs that kill it for real (SIGKILL mid-import).
 * Configured by the environment like the service; prints `LISTENING <url>` once it answers, and
 * `HEAP <bytes>` after a full collection on SIGUSR2.
 *   node --expose-gc -r ts-node/register -r tsconfig-paths/register apps/contacts/src/imports/testing/contacts-process.ts
 */
import { createServiceApp } from '@crm/platform';
import { announceListening } from '@crm/platform/testing';
import { AppModule } from '../../app.module';

async function start(): Promise<void> {
  const app = await createServiceApp({ name: 'contacts', appModule: AppModule, rpc: false });
  await app.listen(0, '127.0.0.1');
  announceListening(await app.getUrl());
}

start().catch((error: unknown) => {
  process.stderr.write(`contacts process failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
