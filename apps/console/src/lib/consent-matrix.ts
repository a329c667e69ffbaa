export const CONSENT_CHANNELS = ['email', 'sms', 'phone', 'post', 'social'] as const;
export const CONSENT_PURPOSES = ['marketing', 'profiling', 'partner_sharing'] as const;

export interface ConsentDecision {
  channel: string;
  purpose: string;
  granted: boolean;
  decidedAt: string;
}

export type ConsentCell = 'granted' | 'refused' | 'unknown';

/** Channel x purpose from the consent in force: a pair nobody decided is unknown (which means no, for sending). */
export function consentMatrix(current: readonly ConsentDecision[]): Record<string, Record<string, ConsentCell>> {
  const out: Record<string, Record<string, ConsentCell>> = {};
  for (const c of CONSENT_CHANNELS) {
    out[c] = {};
    for (const p of CONSENT_PURPOSES) out[c][p] = 'unknown';
  }
  for (const d of current)
    if (out[d.channel] && d.purpose in out[d.channel]) out[d.channel][d.purpose] = d.granted ? 'granted' : 'refused';
  return out;
}
