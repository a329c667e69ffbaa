import { buildCloudEvent, parseCloudEvent } from './cloud-event';

describe('CloudEvents envelope', () => {
  it('fills the CloudEvents 1.0 attributes and keeps the entity version', () => {
    const e = buildCloudEvent('contacts', {
      type: 'crm.contacts.contact.created',
      subject: '0190f0f0-0000-7000-8000-000000000001',
      version: 1,
      data: { id: 'x' },
    });
    expect(e).toMatchObject({
      specversion: '1.0',
      source: 'crm/contacts',
      type: 'crm.contacts.contact.created',
      datacontenttype: 'application/json',
      version: 1,
    });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.id[14]).toBe('7');
    expect(new Date(e.time).toISOString()).toBe(e.time);
  });

  it('refuses a type outside the producing service or not shaped crm.<service>.<entity>.<verb>', () => {
    expect(() =>
      buildCloudEvent('contacts', { type: 'crm.sales.deal.won', subject: 'x', version: 1, data: {} }),
    ).toThrow(/crm\.contacts/);
    expect(() => buildCloudEvent('contacts', { type: 'contactCreated', subject: 'x', version: 1, data: {} })).toThrow();
    expect(() =>
      buildCloudEvent('contacts', { type: 'crm.contacts.contact.created', subject: 'x', version: 0, data: {} }),
    ).toThrow(/version/);
  });

  it('parses an envelope with extra fields and rejects one without an id', () => {
    const e = buildCloudEvent('contacts', { type: 'crm.contacts.contact.created', subject: 's', version: 2, data: {} });
    expect(parseCloudEvent({ ...e, extension: 'ignored' }).id).toBe(e.id);
    expect(() => parseCloudEvent({ ...e, id: undefined })).toThrow(/id/);
    expect(() => parseCloudEvent('text')).toThrow();
  });
});
