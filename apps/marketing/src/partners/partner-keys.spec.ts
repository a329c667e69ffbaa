import { ConfigError } from '@crm/platform';
import { loadMarketingSettings } from '../shared/marketing-settings';
import { openKey, partnerMasterKey, sealKey } from './partner-keys';
import { newSharedKey } from './partner-crypto';

const SECRET = 'local-spec-secret-0123456789abcdef0123';

describe('partner keys sealed at rest', () => {
  const master = partnerMasterKey({ PARTNER_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') });

  it('seals a shared key so that it opens again, and the sealed form holds no trace of it', () => {
    const key = newSharedKey();
    const sealed = sealKey(master, 'agreement-1', key);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(key);
    expect(openKey(master, 'agreement-1', sealed)).toBe(key);
    expect(sealKey(master, 'agreement-1', key)).not.toBe(sealed);
  });

  it('refuses a sealed key moved to another agreement or opened under another master key', () => {
    const sealed = sealKey(master, 'agreement-1', newSharedKey());
    expect(() => openKey(master, 'agreement-2', sealed)).toThrow(/does not open/);
    const other = partnerMasterKey({ PARTNER_KEY_ENCRYPTION_KEY: 'ab'.repeat(32) });
    expect(() => openKey(other, 'agreement-1', sealed)).toThrow(/PARTNER_KEY_ENCRYPTION_KEY/);
  });

  it('derives a local master key from AUTH_JWT_SECRET in local mode', () => {
    const s = loadMarketingSettings({ AUTH_JWT_SECRET: SECRET });
    expect(partnerMasterKey(s)).toHaveLength(32);
    expect(partnerMasterKey(s).equals(partnerMasterKey(loadMarketingSettings({ AUTH_JWT_SECRET: SECRET })))).toBe(true);
  });

  it('refuses to start without PARTNER_KEY_ENCRYPTION_KEY in an OIDC deployment, naming the variable', () => {
    let error: unknown;
    try {
      loadMarketingSettings({ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: 'https://idp.example/jwks' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(['PARTNER_KEY_ENCRYPTION_KEY']);
    const s = loadMarketingSettings({
      AUTH_JWKS_URL: 'https://idp.example/jwks',
      PARTNER_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(partnerMasterKey(s)).toEqual(Buffer.alloc(32, 1));
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => loadMarketingSettings({ AUTH_JWT_SECRET: SECRET, PARTNER_KEY_ENCRYPTION_KEY: 'short' })).toThrow(
      /PARTNER_KEY_ENCRYPTION_KEY: must be 32 bytes/,
    );
  });
});
