import { ANALYTICS_RPC, DOCUMENTS_RPC, MARKETING_RPC, SALES_RPC, SUPPORT_RPC } from '@crm/contracts';

/**
 * One piece of the customer 360 a service adds, asked over NATS
 * request-reply. Adding a service's part is one entry here.
 */
export interface CustomerPart {
  /** Key of the part in the answer's `parts`. */
  part: string;
  /** The owning service: the caller needs `<service>:read` to see the part. */
  service: string;
  pattern: string;
  request(contactId: string): unknown;
}

export const CUSTOMER_PARTS: readonly CustomerPart[] = [
  {
    part: 'analytics',
    service: 'analytics',
    pattern: ANALYTICS_RPC.customerFacts,
    request: (contactId) => ({ contactId }),
  },
  {
    part: 'documents',
    service: 'documents',
    pattern: DOCUMENTS_RPC.customerDocuments,
    request: (contactId) => ({ contactId, limit: 10 }),
  },
  {
    part: 'marketing',
    service: 'marketing',
    pattern: MARKETING_RPC.customerGet,
    request: (contactId) => ({ contactId }),
  },
  {
    part: 'sales',
    service: 'sales',
    pattern: SALES_RPC.customerSummary,
    request: (contactId) => ({ contactId }),
  },
  {
    part: 'support',
    service: 'support',
    pattern: SUPPORT_RPC.customerSummary,
    request: (contactId) => ({ contactId }),
  },
];
