import { generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key-secret';

describe('API key secrets', () => {
  it('makes crm_ keys with 256 random bits, a sha-256 hash and a short display prefix', () => {
    const a = generateApiKey();
    expect(a.key).toMatch(/^crm_[A-Za-z0-9_-]{43}$/);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.key.startsWith(a.prefix)).toBe(true);
    expect(a.prefix).toHaveLength(10);
    expect(a.hash).not.toContain(a.key.slice(4));
  });

  it('never makes the same key twice', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey().key));
    expect(keys.size).toBe(1000);
  });

  it('hashes deterministically and tells one character apart', () => {
    const { key } = generateApiKey();
    const other = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(other)).not.toBe(hashApiKey(key));
  });

  it('recognises only the shape it makes', () => {
    expect(isWellFormedApiKey(generateApiKey().key)).toBe(true);
    expect(isWellFormedApiKey('crm_short')).toBe(false);
    expect(isWellFormedApiKey(`xyz_${'a'.repeat(43)}`)).toBe(false);
    expect(isWellFormedApiKey(`crm_${'a'.repeat(43)} `)).toBe(false);
    expect(isWellFormedApiKey(`crm_${'a'.repeat(42)}'`)).toBe(false);
  });
});
