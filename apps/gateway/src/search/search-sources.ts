import { CONTACTS_RPC, DOCUMENTS_RPC, MARKETING_RPC, SALES_RPC, SUPPORT_RPC } from '@crm/contracts';

/**
 * Services that answer `<service>.search` over NATS request-reply with
 * `{ q, limit }` and reply with hits carrying a `kind`. Adding one is one entry.
 */
export interface SearchSource {
  service: string;
  pattern: string;
}

export const SEARCH_SOURCES: readonly SearchSource[] = [
  { service: 'contacts', pattern: CONTACTS_RPC.search },
  { service: 'documents', pattern: DOCUMENTS_RPC.search },
  { service: 'marketing', pattern: MARKETING_RPC.search },
  { service: 'sales', pattern: SALES_RPC.search },
  { service: 'support', pattern: SUPPORT_RPC.search },
];
