import { api } from './suite';

const STAGES = ['lead', 'prospect', 'customer', 'churned'] as const;
const COUNTRIES = ['FR', 'DE', 'ES', 'IT'] as const;
const CHANNELS = ['web', 'referral', 'social', 'event'] as const;

/** A valid new person; i picks its stage, country and channel round-robin. */
export function newPerson(i: number, runId: string) {
  return {
    firstName: `Ada${i}`,
    lastName: `Lovelace${runId}`,
    emails: [{ address: `ada.${runId}.${i}@example.com`, primary: true }],
    lifecycleStage: STAGES[i % STAGES.length],
    country: COUNTRIES[i % COUNTRIES.length],
    source: { channel: CHANNELS[i % CHANNELS.length] },
  };
}

export function expectedCounts(n: number) {
  const count = <T extends string>(values: readonly T[]) => {
    const out: Record<string, number> = {};
    for (let i = 0; i < n; i++) out[values[i % values.length]] = (out[values[i % values.length]] ?? 0) + 1;
    return out;
  };
  return { byLifecycleStage: count(STAGES), byCountry: count(COUNTRIES), byAcquisitionChannel: count(CHANNELS) };
}

/** Creates n people over HTTP, `concurrency` at a time; returns their ids in order. */
export async function createPeople(
  baseUrl: string,
  token: string,
  n: number,
  runId: string,
  concurrency = 16,
): Promise<string[]> {
  const ids: string[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await api<{ id: string }>(baseUrl, 'POST', '/contacts', token, newPerson(i, runId));
      if (res.status !== 201) throw new Error(`creating person ${i} gave ${res.status}: ${JSON.stringify(res.body)}`);
      ids[i] = res.body.id;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}
