import { spawnServiceProcess, type ServiceProcess } from '@crm/platform/testing';

export type SalesProcess = ServiceProcess;

/** The sales service from its sources in a process of its own (ts-node), configured by `env`. */
export function spawnSales(env: Record<string, string | undefined>, startMs?: number): Promise<SalesProcess> {
  return spawnServiceProcess('sales', 'apps/sales/src/exports/testing/sales-process.ts', env, startMs);
}
