import { DomainError } from '@crm/platform';
import { prepareEmails, preparePhones } from './contact-points';

describe('emails and phones of a person', () => {
  it('normalises emails, drops repeats and keeps exactly one primary, the one marked', () => {
    expect(
      prepareEmails([
        { address: ' Ada@Example.com' },
        { address: 'ada@example.COM' },
        { address: 'work@example.com', primary: true },
      ]),
    ).toEqual([
      { address: 'ada@example.com', primary: false },
      { address: 'work@example.com', primary: true },
    ]);
  });

  it('makes the first email primary when none is marked, and the first marked when several are', () => {
    expect(prepareEmails([{ address: 'a@x.co' }, { address: 'b@x.co' }]).map((e) => e.primary)).toEqual([true, false]);
    expect(
      prepareEmails([
        { address: 'a@x.co' },
        { address: 'b@x.co', primary: true },
        { address: 'c@x.co', primary: true },
      ]).map((e) => e.primary),
    ).toEqual([false, true, false]);
  });

  it('writes phones in E.164 in the contact country, drops the same number written twice, types mobile by default', () => {
    expect(
      preparePhones(
        [
          { number: '06 12 34 56 78' },
          { number: '+33 6 12 34 56 78', type: 'work' },
          { number: '01 23 45 67 89', type: 'work', primary: true },
        ],
        'FR',
      ),
    ).toEqual([
      { number: '+33612345678', type: 'mobile', primary: false },
      { number: '+33123456789', type: 'work', primary: true },
    ]);
  });

  it('names the position of a bad phone number', () => {
    expect(() => preparePhones([{ number: '+33612345678' }, { number: '0000' }], 'FR')).toThrow(DomainError);
    try {
      preparePhones([{ number: '+33612345678' }, { number: '0000' }], 'FR');
    } catch (e) {
      expect((e as DomainError).extra.errors).toEqual([
        { field: 'phones.1.number', message: '"0000" is not a valid phone number for FR' },
      ]);
    }
  });
});
