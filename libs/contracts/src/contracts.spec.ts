import * as contracts from './index';

/** Every exported RPC pattern table, e.g. ANALYTICS_RPC, with the service that answers it. */
const rpcTables = Object.entries(contracts).filter(([name]) => name.endsWith('_RPC')) as [string, Record<string, string>][];

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
