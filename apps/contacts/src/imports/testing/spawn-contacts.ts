import { spawnServiceProcess, type ServiceProcess } from '@crm/platform/testing';

export type ContactsProcess = ServiceProcess;

/** The contacts service from its sources in a process of its own (ts-node), configured by `env`. */
export function spawnContacts(env: Record<string, string | undefined>, startMs?: number): Promise<ContactsProcess> {
  return spawnServiceProcess('contacts', 'apps/contacts/src/imports/testing/contacts-process.ts', env, startMs);
}
