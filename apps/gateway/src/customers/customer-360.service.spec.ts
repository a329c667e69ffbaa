import { RpcError } from '@crm/messaging';
import { DomainError, type Principal } from '@crm/platform';
import type { GatewaySettings } from '../config/gateway-settings';
import type { RpcClient } from '../rpc/rpc-client';
import { Customer360Service } from './customer-360.service';
import { CUSTOMER_PARTS } from './customer-parts';

const admin: Principal = { subject: 'a', roles: ['admin'], permissions: ['*'], kind: 'user' };
const support: Principal = { subject: 's', roles: ['support'], permissions: ['contacts:read'], kind: 'user' };
const settings = { customer360TimeoutMs: 500 } as GatewaySettings;

function service(answers: Record<string, () => Promise<unknown>>) {
  const asked: string[] = [];
  const rpc = {
    ask: (pattern: string) => {
      asked.push(pattern);
      // Parts of other services than the one a test is about answer nothing (null).
      return (answers[pattern] ?? (async () => null))();
    },
  } as unknown as RpcClient;
  return { customers: new Customer360Service(rpc, settings), asked };
}

const person = { person: { id: 'p1', firstName: 'Ada' }, consent: [], recentActivities: [] };
/** The parts besides analytics', which these tests do not look at. */
const otherParts = CUSTOMER_PARTS.filter((p) => p.part !== 'analytics');
const othersEmpty = Object.fromEntries(otherParts.map((p) => [p.part, null]));

describe('Customer360Service', () => {
  it('puts the person and every part together', async () => {
    const { customers } = service({
      'contacts.customer.get': async () => person,
      'analytics.customer.facts': async () => ({ contactId: 'p1', lifecycleStage: 'customer' }),
    });
    await expect(customers.get('p1', admin)).resolves.toEqual({
      customer: person,
      parts: { analytics: { contactId: 'p1', lifecycleStage: 'customer' }, ...othersEmpty },
      missing: [],
    });
  });

  it('names a part that failed as missing, with the reason, and still answers', async () => {
    const { customers } = service({
      'contacts.customer.get': async () => person,
      'analytics.customer.facts': async () => {
        throw new RpcError('timeout', 'analytics.customer.facts', 'too slow');
      },
    });
    await expect(customers.get('p1', admin)).resolves.toEqual({
      customer: person,
      parts: othersEmpty,
      missing: [{ part: 'analytics', reason: 'timeout' }],
    });
  });

  it('does not ask for a part the caller may not read, and says so', async () => {
    const { customers, asked } = service({ 'contacts.customer.get': async () => person });
    await expect(customers.get('p1', support)).resolves.toMatchObject({
      missing: [
        { part: 'analytics', reason: 'forbidden' },
        ...otherParts.map((p) => ({ part: p.part, reason: 'forbidden' })),
      ],
    });
    expect(asked).toEqual(['contacts.customer.get']);
  });

  it('is a 404 when contacts does not know the person', async () => {
    const { customers } = service({
      'contacts.customer.get': async () => null,
      'analytics.customer.facts': async () => null,
    });
    await expect(customers.get('p1', admin)).rejects.toMatchObject({ code: 'CUSTOMER_NOT_FOUND', kind: 'not_found' });
  });

  it('is a 410 naming the target when the customer was merged into another, without asking for its parts', async () => {
    const { customers } = service({
      'contacts.customer.get': async () => ({ id: 'p2', status: 'merged', mergedInto: 'p1' }),
      'analytics.customer.facts': async () => ({ contactId: 'p2' }),
    });
    const error = await customers.get('p2', admin).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'CUSTOMER_MERGED', kind: 'gone', status: 410, extra: { mergedInto: 'p1' } });
  });

  it('is a 503 naming contacts when contacts does not answer', async () => {
    const { customers } = service({
      'contacts.customer.get': async () => {
        throw new RpcError('unavailable', 'contacts.customer.get', 'no responders');
      },
      'analytics.customer.facts': async () => null,
    });
    const error = await customers.get('p1', admin).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      kind: 'unavailable',
      extra: { service: 'contacts', reason: 'unavailable' },
    });
  });
});
