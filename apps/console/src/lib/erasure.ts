export interface ErasureParticipant {
  service: string;
  status: 'pending' | 'completed';
  records: number;
  confirmed: number;
}

/** Share of the erasure confirmed, 0 to 100: each participant's confirmed records over its records. */
export function erasureProgress(participants: readonly ErasureParticipant[], complete: boolean): number {
  if (complete) return 100;
  const records = participants.reduce((n, p) => n + Math.max(p.records, 1), 0);
  if (!records) return 0;
  const confirmed = participants.reduce(
    (n, p) => n + (p.status === 'completed' ? Math.max(p.records, 1) : Math.min(p.confirmed, p.records)),
    0,
  );
  return Math.min(99, Math.round((confirmed / records) * 100));
}
