import * as contracts from './index';

/** Every exported RPC pattern table, e.g. ANALYTICS_RPC, with the service that answers it. */
const rpcTables = Object.entries(contracts).filter(([name]) => name.endsWith('_RPC')) as [
  string,
  Record<string, string>,
][];

describe('contracts', () => {
  it('exports the request-reply patterns of each service', () => {
    expect(rpcTables.map(([name]) => name)).toContain('ANALYTICS_RPC');
  });

  it.each(rpcTables)('%s patterns start with the name of the service that answers them', (name, table) => {
    const service = name.replace(/_RPC$/, '').toLowerCase();
    for (const pattern of Object.values(table)) {
      expect(pattern).toMatch(new RegExp(`^${service}(\\.[a-z][a-z0-9-]*)+$`));
    }
  });
});

describe('erasure receipts', () => {
  it("names each service's receipt crm.<service>.erasure.completed, and reads the service back from it", () => {
    expect(contracts.erasureCompletedType('sales')).toBe('crm.sales.erasure.completed');
    expect(contracts.ANALYTICS_EVENTS.erasureCompleted).toBe('crm.analytics.erasure.completed');
    expect(contracts.CONTACTS_EVENTS.erasureCompleted).toBe('crm.contacts.erasure.completed');
    expect(contracts.erasureCompletedService('crm.documents.erasure.completed')).toBe('documents');
    expect(contracts.erasureCompletedService('crm.analytics.customer.updated')).toBeNull();
  });

  it('refuses a name that cannot be a service in a subject', () => {
    for (const bad of ['', 'Sales', 'sales.eu', 'sales>', '*'])
      expect(() => contracts.erasureCompletedType(bad)).toThrow(/service name/);
  });

  it('tells a merged contact apart from a person in contacts.customer.get', () => {
    expect(contracts.isCustomerMerged({ id: 'b', status: 'merged', mergedInto: 'a' })).toBe(true);
    const person = { status: 'merged' } as contracts.ContactView;
    expect(contracts.isCustomerMerged({ person, consent: [], recentActivities: [] })).toBe(false);
  });
});
