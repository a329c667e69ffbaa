import { erasureCompletedType } from '../erasure/erasure.events';

/** Events published by contacts on the stream CRM_CONTACTS. Additive only. */
export const CONTACTS_EVENTS = {
  contactCreated: 'crm.contacts.contact.created',
  contactUpdated: 'crm.contacts.contact.updated',
  contactMerged: 'crm.contacts.contact.merged',
  contactErased: 'crm.contacts.contact.erased',
  accountCreated: 'crm.contacts.account.created',
  accountUpdated: 'crm.contacts.account.updated',
  accountDeleted: 'crm.contacts.account.deleted',
  consentChanged: 'crm.contacts.consent.changed',
  activityLogged: 'crm.contacts.activity.logged',
  /** contacts' own erasure receipt; data: ErasureCompletedPayload */
  erasureCompleted: erasureCompletedType('contacts'),
} as const;

/** A record's id in another system (a shop, a former CRM): unique per source among active records. */
export interface ExternalId {
  source: string;
  id: string;
}

/** data of contact.created / updated / erased (erased: personal fields are null). */
export interface ContactPayload {
  id: string;
  version: number;
  status: 'active' | 'merged' | 'erased';
  displayName: string;
  firstName: string;
  lastName: string;
  primaryEmail: string | null;
  primaryPhone: string | null;
  lifecycleStage: string;
  country: string | null;
  region: string | null;
  city: string | null;
  locale: string | null;
  birthDate: string | null;
  ownerId: string | null;
  accountId: string | null;
  tags: string[];
  source: {
    channel: string | null;
    campaign: string | null;
    utmSource: string | null;
    utmMedium: string | null;
    utmCampaign: string | null;
    referrer: string | null;
    firstTouchAt: string | null;
  };
  customFields: Record<string, unknown>;
  /** Ids in other systems (absent in events published before external ids existed; empty once erased). */
  externalIds?: ExternalId[];
  createdAt: string;
  updatedAt: string;
}

/**
 * data of contact.erased: the person as erasure left it, plus the request to
 * confirm with `crm.<service>.erasure.completed`. Erasing a contact also
 * erases every contact merged into it: each gets its own contact.erased
 * with the same request id.
 */
export interface ContactErasedPayload extends ContactPayload {
  erasureRequestId: string;
}

/** data of contact.merged; the event's subject is the source (merged-away) contact. */
export interface ContactMergedPayload {
  targetId: string;
  sourceId: string;
}

export interface AccountPayload {
  id: string;
  version: number;
  name: string;
  domain: string | null;
  industry: string | null;
  sizeBand: string | null;
  country: string | null;
  city: string | null;
  /** Ids in other systems (absent in events published before external ids existed). */
  externalIds?: ExternalId[];
  createdAt: string;
  updatedAt: string;
}

/** data of account.deleted (only accounts no contact or activity refers to can be deleted). */
export interface AccountDeletedPayload {
  id: string;
  version: number;
}

export interface ConsentChangedPayload {
  contactId: string;
  channel: string;
  purpose: string;
  granted: boolean;
  source: string;
  decidedAt: string;
}

export interface ActivityLoggedPayload {
  id: string;
  contactId: string | null;
  accountId: string | null;
  type: string;
  subject: string;
  occurredAt: string;
  actor: string;
}
