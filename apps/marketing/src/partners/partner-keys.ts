import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { MARKETING_SETTINGS, type MarketingSettings } from '../shared/marketing-settings';

const VERSION = 'v1';

/**
 * The master key that seals agreements' shared keys at rest:
 * PARTNER_KEY_ENCRYPTION_KEY (32 bytes, base64 or hex), or, in local mode
 * only (HS256 auth, no AUTH_JWKS_URL), one derived from AUTH_JWT_SECRET.
 * The settings refuse to start without either.
 */
export function partnerMasterKey(s: Pick<MarketingSettings, 'PARTNER_KEY_ENCRYPTION_KEY' | 'AUTH_JWT_SECRET'>): Buffer {
  const given = s.PARTNER_KEY_ENCRYPTION_KEY;
  if (given) return /^[0-9a-fA-F]{64}$/.test(given) ? Buffer.from(given, 'hex') : Buffer.from(given, 'base64');
  if (!s.AUTH_JWT_SECRET) throw new Error('PARTNER_KEY_ENCRYPTION_KEY is not set');
  return Buffer.from(hkdfSync('sha256', s.AUTH_JWT_SECRET, 'crm-marketing', 'partner-key-encryption-v1', 32));
}

/**
 * AES-256-GCM of an agreement's shared key, bound to the agreement's id (the
 * additional data), so a sealed key copied onto another row does not open:
 * `v1.<iv>.<ciphertext>.<tag>`, base64url.
 */
export function sealKey(master: Buffer, agreementId: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', master, iv);
  cipher.setAAD(Buffer.from(`partner-agreement:${agreementId}`));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv, data, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function openKey(master: Buffer, agreementId: string, sealed: string): string {
  const [version, iv, data, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !data || !tag) throw new Error(`agreement ${agreementId}: not a sealed key`);
  const decipher = createDecipheriv('aes-256-gcm', master, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`partner-agreement:${agreementId}`));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // Never the key itself in a message; the usual cause is a changed master key.
    throw new Error(
      `agreement ${agreementId}: its shared key does not open under this PARTNER_KEY_ENCRYPTION_KEY (was it changed?)`,
    );
  }
}

/** Seals and opens agreements' shared keys under the configured master key. */
@Injectable()
export class PartnerKeys {
  private readonly master: Buffer;

  constructor(@Inject(MARKETING_SETTINGS) settings: MarketingSettings) {
    this.master = partnerMasterKey(settings);
  }

  seal(agreementId: string, plain: string): string {
    return sealKey(this.master, agreementId, plain);
  }

  open(agreement: { id: string; shared_key_sealed: string }): string {
    return openKey(this.master, agreement.id, agreement.shared_key_sealed);
  }
}
