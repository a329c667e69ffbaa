import type { ContactPayload } from './contacts.events';

/** Request-reply patterns answered by the contacts service (queue group `contacts`). */
export const CONTACTS_RPC = {
  /** {@link CustomerGetRequest} -> {@link CustomerGetReply} | {@link CustomerMergedReply} | null */
  customerGet: 'contacts.customer.get',
  /** {@link ContactsSearchRequest} -> {@link ContactsSearchReply} */
  search: 'contacts.search',
} as const;

export interface CustomerGetRequest {
  id: string;
}

/** A person as the contacts API shows it. */
export interface ContactView {
  id: string;
  version: number;
  status: ContactPayload['status'];
  mergedInto: string | null;
  firstName: string;
  lastName: string;
  displayName: string;
  emails: { address: string; primary: boolean }[];
  phones: { number: string; type: string; primary: boolean }[];
  birthDate: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  locale: string | null;
  occupation: string | null;
  address: {
    line1?: string;
    line2?: string;
    postalCode?: string;
    city?: string;
    region?: string;
    country?: string;
  } | null;
  lifecycleStage: string;
  ownerId: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
  source: {
    channel?: string;
    campaign?: string;
    utmSource?: string;
    utmMedium?: string;
    utmCampaign?: string;
    referrer?: string;
    firstTouchAt?: string;
  };
  socialProfiles: { network: string; handle: string; url?: string }[];
  /** The primary account link, if any. */
  account: { id: string; name: string; role: string | null; title: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

export interface ConsentState {
  channel: string;
  purpose: string;
  granted: boolean;
  source: string;
  decidedAt: string;
}

export interface ActivitySummary {
  id: string;
  type: string;
  subject: string;
  body: string | null;
  occurredAt: string;
  durationMinutes: number | null;
  actor: string;
}

/** The contacts part of the customer 360; null when there is no such contact. */
export interface CustomerGetReply {
  person: ContactView;
  consent: ConsentState[];
  /** The 10 most recent activities, newest first. */
  recentActivities: ActivitySummary[];
}

/**
 * The answer for a contact merged into another: it is not shown (REST answers
 * 410 for it too); `mergedInto` is the contact to ask for instead.
 */
export interface CustomerMergedReply {
  id: string;
  status: 'merged';
  mergedInto: string;
}

export function isCustomerMerged(reply: CustomerGetReply | CustomerMergedReply): reply is CustomerMergedReply {
  return (reply as CustomerMergedReply).status === 'merged' && !('person' in reply);
}

export interface ContactsSearchRequest {
  q: string;
  limit?: number;
}

export interface ContactsSearchHit {
  kind: 'contact' | 'account';
  id: string;
  title: string;
  subtitle: string | null;
}

export interface ContactsSearchReply {
  hits: ContactsSearchHit[];
}
