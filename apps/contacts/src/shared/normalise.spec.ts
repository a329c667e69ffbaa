import { DomainError } from '@crm/platform';
import { normaliseEmail, normalisePhone } from './normalise';

describe('normalisation', () => {
  it('trims and lower-cases email addresses', () => {
    expect(normaliseEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
  });

  it('writes phone numbers in E.164, reading national numbers in the contact country', () => {
    expect(normalisePhone('06 12 34 56 78', 'FR', 'phones.0.number')).toBe('+33612345678');
    expect(normalisePhone('030 1234567', 'DE', 'phones.0.number')).toBe('+49301234567');
    expect(normalisePhone('+1 (415) 555-2671', 'FR', 'phones.0.number')).toBe('+14155552671');
  });

  it('refuses a number that is not a phone number, naming the field', () => {
    let error: DomainError | undefined;
    try {
      normalisePhone('12', 'FR', 'phones.1.number');
    } catch (e) {
      error = e as DomainError;
    }
    expect(error?.code).toBe('VALIDATION_FAILED');
    expect(error?.extra.errors?.[0].field).toBe('phones.1.number');
  });
});
