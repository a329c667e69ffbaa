import {
  emailHash,
  matchingKey,
  newSharedKey,
  normaliseEmail,
  normalisePhone,
  phoneHash,
  signatureMatches,
  signBody,
  signingKey,
} from './partner-crypto';
import { ageBand } from './shareable-fields';
import { agreementInForce, nextAgreementStatus } from './agreement-status';

describe('partner matching keys, hashes and signatures', () => {
  const key = newSharedKey();

  it('hashes an email the same however it was typed, and differently under another agreement', () => {
    const k = matchingKey(key);
    expect(emailHash(k, ' Ada@Example.COM ')).toBe(emailHash(k, 'ada@example.com'));
    expect(emailHash(k, 'ada@example.com')).toMatch(/^[0-9a-f]{64}$/);
    expect(emailHash(matchingKey(newSharedKey()), 'ada@example.com')).not.toBe(emailHash(k, 'ada@example.com'));
    expect(emailHash(k, 'not an address')).toBeNull();
  });

  it('normalises phone numbers to + and digits', () => {
    expect(normalisePhone('0033 6 12-34.56(78)')).toBe('+33612345678');
    expect(normalisePhone('+33 6 12 34 56 78')).toBe('+33612345678');
    expect(normalisePhone('12')).toBeNull();
    const k = matchingKey(key);
    expect(phoneHash(k, '0033612345678')).toBe(phoneHash(k, '+33 6 12 34 56 78'));
    expect(normaliseEmail(null)).toBeNull();
  });

  it('keeps the matching key and the signing key apart', () => {
    expect(matchingKey(key).equals(signingKey(key))).toBe(false);
  });

  it('accepts the signature of the exact body and nothing else', () => {
    const k = signingKey(key);
    const sig = signBody(k, '1700000000', '{"a":1}');
    expect(signatureMatches(k, '1700000000', '{"a":1}', sig)).toBe(true);
    expect(signatureMatches(k, '1700000000', '{"a":2}', sig)).toBe(false);
    expect(signatureMatches(k, '1700000001', '{"a":1}', sig)).toBe(false);
    expect(signatureMatches(signingKey(newSharedKey()), '1700000000', '{"a":1}', sig)).toBe(false);
    expect(signatureMatches(k, '1700000000', '{"a":1}', 'sha256=00')).toBe(false);
  });
});

describe('age bands', () => {
  const now = new Date('2026-06-15T00:00:00Z');
  it.each([
    ['2010-06-16', 'minor'],
    ['2008-06-15', '18-24'],
    ['1992-01-01', '25-34'],
    ['1981-06-16', '35-44'],
    ['1961-06-15', '65+'],
  ])('a person born %s is %s', (birth, band) => {
    expect(ageBand(new Date(`${birth}T00:00:00Z`), now)).toBe(band);
  });
  it('has no band without a birth date', () => expect(ageBand(null, now)).toBeNull());
});

describe('agreement status', () => {
  it('moves draft -> active -> suspended -> active -> terminated and never back', () => {
    expect(nextAgreementStatus('draft', 'activate')).toBe('active');
    expect(nextAgreementStatus('active', 'suspend')).toBe('suspended');
    expect(nextAgreementStatus('suspended', 'activate')).toBe('active');
    expect(nextAgreementStatus('active', 'terminate')).toBe('terminated');
    expect(() => nextAgreementStatus('terminated', 'activate')).toThrow(
      expect.objectContaining({ code: 'AGREEMENT_TRANSITION_INVALID' }),
    );
    expect(() => nextAgreementStatus('draft', 'suspend')).toThrow();
  });

  it('is in force only while active and inside its validity', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const until = new Date('2027-01-01T00:00:00Z');
    const at = new Date('2026-06-01T00:00:00Z');
    expect(agreementInForce({ status: 'active', valid_from: from, valid_until: until }, at)).toBe(true);
    expect(agreementInForce({ status: 'suspended', valid_from: from, valid_until: until }, at)).toBe(false);
    expect(agreementInForce({ status: 'active', valid_from: from, valid_until: until }, until)).toBe(false);
    expect(agreementInForce({ status: 'active', valid_from: at, valid_until: until }, from)).toBe(false);
  });
});
