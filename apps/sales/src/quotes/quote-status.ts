import type { SalesQuoteStatus } from '@crm/contracts';

/**
 * The quote lifecycle. A draft is edited in place; sending freezes it.
 * A sent quote is accepted, rejected, or expires (its validUntil passed,
 * applied by the scheduled expiry job). Revising a sent, rejected or expired
 * quote makes a new draft revision (revision + 1, new id) and marks the old
 * one superseded; a superseded revision takes no further transition.
 */
const NEXT: Record<SalesQuoteStatus, readonly SalesQuoteStatus[]> = {
  draft: ['sent'],
  sent: ['accepted', 'rejected', 'expired'],
  accepted: [],
  rejected: [],
  expired: [],
};

const REVISABLE: readonly SalesQuoteStatus[] = ['sent', 'rejected', 'expired'];

export function canMoveQuote(from: SalesQuoteStatus, to: SalesQuoteStatus): boolean {
  return NEXT[from].includes(to);
}

/** The statuses a quote in `from` may move to. */
export function nextQuoteStatuses(from: SalesQuoteStatus): readonly SalesQuoteStatus[] {
  return NEXT[from];
}

/** Whether a quote can be revised into a new version (a draft is simply edited). */
export function canReviseQuote(status: SalesQuoteStatus): boolean {
  return REVISABLE.includes(status);
}

/** Whether a quote's lines and terms can still be changed in place. */
export function isQuoteEditable(status: SalesQuoteStatus): boolean {
  return status === 'draft';
}

/** Whether a sent quote is past its validity: valid through the whole day `validUntil` (UTC). */
export function isQuoteDue(validUntil: string | null, now: Date): boolean {
  return validUntil !== null && validUntil < now.toISOString().slice(0, 10);
}
