/**
 * The sales service as a process of its own, for specs that measure its memory (an export's RSS).
 * Configured by the environment like the service; prints `LISTENING <url>` once it answers, and
 * `HEAP <bytes>` after a full collection on SIGUSR2.
 *   node --expose-gc -r ts-node/register -r tsconfig-paths/register apps/sales/src/exports/testing/sales-process.ts
 */
import { createServiceApp } from '@crm/platform';
import { announceListening } from '@crm/platform/testing';
import { AppModule } from '../../app.module';

async function start(): Promise<void> {
  const app = await createServiceApp({ name: 'sales', appModule: AppModule, rpc: false });
  await app.listen(0, '127.0.0.1');
  announceListening(await app.getUrl());
}

start().catch((error: unknown) => {
  process.stderr.write(`sales process failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
