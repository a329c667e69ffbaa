import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  backoffMs,
  isPattern,
  matchesFilter,
  matchesPattern,
  ownerMayRead,
  signature,
  signatureHeader,
} from './webhook-rules';

describe('webhook rules', () => {
  it.each([
    ['crm.sales.order.placed', 'crm.sales.order.*', true],
    ['crm.sales.order.placed', 'crm.sales.*', false],
    ['crm.sales.order.placed', 'crm.sales.>', true],
    ['crm.sales.erasure.completed', 'crm.*.erasure.completed', true],
    ['crm.contacts.contact.created', 'crm.*.erasure.completed', false],
    ['crm.contacts.contact.created', '*', true],
    ['crm.contacts.contact.created', 'crm.contacts.contact.created', true],
    ['crm.contacts.contact', 'crm.contacts.contact.created', false],
  ])('%s against %s: %s', (type, pattern, expected) => {
    expect(matchesPattern(type, pattern)).toBe(expected);
  });

  it('accepts only well-formed patterns', () => {
    expect(['*', 'crm.sales.order.*', 'crm.*.erasure.completed', 'crm.sales.>'].every(isPattern)).toBe(true);
    expect(['', 'crm..x', 'crm.>.x', 'CRM.Sales', 'crm sales', 'crm.sales.*x'].some(isPattern)).toBe(false);
  });

  it('filters on field paths, with a list meaning any of', () => {
    const event = { type: 'crm.sales.order.placed', data: { channel: 'web', total: 1200, lines: [] } };
    expect(matchesFilter(event, { 'data.channel': 'web' })).toBe(true);
    expect(matchesFilter(event, { 'data.channel': ['store', 'web'] })).toBe(true);
    expect(matchesFilter(event, { 'data.channel': 'store' })).toBe(false);
    expect(matchesFilter(event, { 'data.missing': 'x' })).toBe(false);
    expect(matchesFilter(event, { 'data.total': 1200, type: 'crm.sales.order.placed' })).toBe(true);
  });

  it('lets the owner have an event only with the read permission of its service', () => {
    expect(ownerMayRead(['sales:read'], 'crm.sales.order.placed')).toBe(true);
    expect(ownerMayRead(['*:read'], 'crm.support.ticket.created')).toBe(true);
    expect(ownerMayRead(['sales:read'], 'crm.contacts.contact.created')).toBe(false);
    expect(ownerMayRead(['*'], 'not-a-crm-type')).toBe(false);
  });

  it('signs timestamp.body so that the documented receiver check verifies it', () => {
    const body = JSON.stringify({ id: 'e1', type: 'crm.sales.order.placed' });
    const header = signatureHeader(['whsec_new', 'whsec_old'], 1_790_000_000, body);
    // The receiver's steps from the gateway README:
    const parts = header.split(',');
    const t = Number(parts.find((p) => p.startsWith('t='))!.slice(2));
    const expected = createHmac('sha256', 'whsec_old').update(`${t}.${body}`).digest();
    const ok = parts
      .filter((p) => p.startsWith('v1='))
      .some((p) => timingSafeEqual(Buffer.from(p.slice(3), 'hex'), expected));
    expect(ok).toBe(true);
    expect(header).toBe(
      `t=1790000000,v1=${signature('whsec_new', 1_790_000_000, body)},v1=${signature('whsec_old', 1_790_000_000, body)}`,
    );
  });

  it('backs off exponentially with jitter, up to the cap', () => {
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffMs(4, 1000, 60_000, () => 0)).toBe(4000);
    expect(backoffMs(30, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
