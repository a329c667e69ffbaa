/** Request-reply patterns answered by the contacts service. */
export const CONTACTS_RPC = {
  /** { id } -> the person with account, consent and recent activities, or null */
  customerGet: 'contacts.customer.get',
  /** { q, limit } -> { hits: [{ kind: 'contact' | 'account', id, title, subtitle }] } */
  search: 'contacts.search',
} as const;
