export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/** What a new pipeline gets when it names no stages. */
export const DEFAULT_STAGES: { name: string; kind: StageKind; probability: number }[] = [
  { name: 'Qualification', kind: 'open', probability: 10 },
  { name: 'Proposal', kind: 'open', probability: 40 },
  { name: 'Negotiation', kind: 'open', probability: 70 },
  { name: 'Won', kind: 'won', probability: 100 },
  { name: 'Lost', kind: 'lost', probability: 0 },
];

/** A won stage is certain and a lost one is nothing: the forecast relies on it. */
export function probabilityProblem(kind: StageKind, probability: number): string | undefined {
  if (kind === 'won' && probability !== 100) return 'must be 100 for a won stage';
  if (kind === 'lost' && probability !== 0) return 'must be 0 for a lost stage';
  return undefined;
}
