/**
 * The only fields an agreement may name: pseudonymous identifiers and coarse
 * attributes. No names, addresses, free text or exact dates, ever.
 */
export const SHAREABLE_FIELDS = ['emailHash', 'phoneHash', 'country', 'ageBand', 'rfmSegment'] as const;
export type ShareableField = (typeof SHAREABLE_FIELDS)[number];

export const AGREEMENT_PURPOSES = ['marketing', 'profiling'] as const;
export type AgreementPurpose = (typeof AGREEMENT_PURPOSES)[number];

export const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Whole years between a birth date and now (UTC). */
export function ageOn(birthDate: Date, now: Date): number {
  let age = now.getUTCFullYear() - birthDate.getUTCFullYear();
  const m = now.getUTCMonth() - birthDate.getUTCMonth();
  if (m < 0 || (m === 0 && now.getUTCDate() < birthDate.getUTCDate())) age--;
  return age;
}

/** The band of an adult's age; 'minor' for under 18 (never shared), null when the birth date is unknown. */
export function ageBand(birthDate: Date | null, now = new Date()): AgeBand | 'minor' | null {
  if (!birthDate) return null;
  const age = ageOn(birthDate, now);
  if (age < 18) return 'minor';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  if (age < 65) return '55-64';
  return '65+';
}

/** The record a partner receives for one contact: only the agreement's fields, always at least one identifier. */
export interface SharedRecord {
  emailHash?: string;
  phoneHash?: string;
  country?: string;
  ageBand?: AgeBand;
  rfmSegment?: string;
}
