import { EventNaming } from './naming';

describe('event naming', () => {
  it('uses the plain names without a namespace', () => {
    const n = new EventNaming();
    expect(n.streamFor('contacts')).toBe('CRM_CONTACTS');
    expect(n.streamSubjects('contacts')).toBe('crm.contacts.>');
    expect(n.subjectFor('crm.contacts.contact.created')).toBe('crm.contacts.contact.created');
    expect(n.dlqStream).toBe('CRM_DLQ');
  });

  it('prefixes streams and subjects with a namespace and strips it back', () => {
    const n = new EventNaming('t42');
    expect(n.streamFor('contacts')).toBe('T42_CRM_CONTACTS');
    expect(n.subjectFor('crm.contacts.contact.created')).toBe('t42.crm.contacts.contact.created');
    expect(n.typeFromSubject('t42.crm.contacts.contact.created')).toBe('crm.contacts.contact.created');
    expect(n.dlqSubject('analytics', 'crm.contacts.contact.created')).toBe(
      't42.crm.dlq.analytics.crm.contacts.contact.created',
    );
  });

  it('refuses a namespace that would break subject syntax', () => {
    expect(() => new EventNaming('a.b')).toThrow(/CRM_EVENT_NAMESPACE/);
  });
});
