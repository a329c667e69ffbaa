/**
 * Erasure receipts. Every service that holds personal data, once it has
 * anonymised its part after `crm.contacts.contact.erased`, publishes
 * `crm.<service>.erasure.completed` on its own stream (through its outbox):
 * subject = the contact id, data = {@link ErasureCompletedPayload}. contacts
 * collects them and answers `GET /contacts/{id}/erasure`. Additive only.
 */
export const ERASURE_COMPLETED_ENTITY_VERB = 'erasure.completed';

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** Whether a name can be a service in an event type (`crm.<service>.…`). */
export function isServiceName(name: string): boolean {
  return SERVICE_NAME.test(name);
}

/** The event type (= subject) of a service's erasure receipt, e.g. `crm.analytics.erasure.completed`. */
export function erasureCompletedType(service: string): string {
  if (!isServiceName(service))
    throw new Error(`"${service}" is not a service name (lower-case letters, digits, dashes)`);
  return `crm.${service}.${ERASURE_COMPLETED_ENTITY_VERB}`;
}

/** The service that sent an erasure receipt, or null when the type is not one. */
export function erasureCompletedService(type: string): string | null {
  const m = /^crm\.([a-z][a-z0-9-]{0,30})\.erasure\.completed$/.exec(type);
  return m ? m[1] : null;
}

/** data of `crm.<service>.erasure.completed`. */
export interface ErasureCompletedPayload {
  /** The contact whose data the service anonymised (also the event's subject). */
  contactId: string;
  /** `erasureRequestId` of the `contact.erased` event that asked for it. */
  requestId: string;
  /** How many of the service's records it anonymised or deleted for this contact (0 if it held none). */
  records: number;
  completedAt: string;
}
