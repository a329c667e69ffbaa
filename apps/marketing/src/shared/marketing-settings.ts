import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { loadConfig, type ConfigProblem } from '@crm/platform';

export const MARKETING_SETTINGS = Symbol('marketing:settings');

/** marketing's own settings, read at start; a bad value stops the service naming the variable. */
export class MarketingSettings {
  /** Where mail goes: any SMTP relay; locally the launcher's mail catcher. */
  @IsString()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL = 'smtp://127.0.0.1:1025';

  @IsEmail({ require_tld: false }, { message: 'MAIL_FROM must be an email address' })
  MAIL_FROM = 'marketing@crm.local';

  /** Public origin of the tracking routes (pixel, click, unsubscribe, survey), as recipients reach it. */
  @IsString()
  @Matches(/^https?:\/\/[^\s?#]+$/, { message: 'TRACKING_BASE_URL must be an http(s) URL without query' })
  TRACKING_BASE_URL = 'http://127.0.0.1:3004';

  /** Key that signs tracking links; unset, AUTH_JWT_SECRET is used. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'TRACKING_SECRET must be at least 32 characters' })
  TRACKING_SECRET?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  SEND_BATCH_SIZE = 500;

  /** SMTP connections kept open by the sender. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  SEND_CONCURRENCY = 8;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  SEND_POLL_MS = 500;

  /**
   * A message claimed for sending longer ago than this, and never confirmed, was
   * in flight when its sender died: it is recorded as interrupted and not sent
   * again (nobody gets a message twice). Keep it above the SMTP timeouts.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  SEND_LEASE_SECONDS = 120;

  /** SMS provider's HTTP API (POST {base}/messages); unset, SMS sends fail with a recorded reason. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s?#]+$/, { message: 'SMS_API_URL must be an http(s) URL' })
  SMS_API_URL?: string;

  @IsOptional()
  @IsString()
  SMS_API_KEY?: string;

  /** A conversion is credited to a click within this many days before the order. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(365)
  ATTRIBUTION_WINDOW_DAYS = 7;

  /** Partner suites are reached over HTTPS only; `true` allows http:// base URLs (local suites, specs). */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'PARTNER_ALLOW_HTTP must be true or false' })
  PARTNER_ALLOW_HTTP = 'false';

  /** Timeout of one request to a partner suite. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  PARTNER_TIMEOUT_MS = 15_000;

  /** A signed exchange request older or newer than this many seconds is refused (replays). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(3600)
  PARTNER_SIGNATURE_WINDOW_SECONDS = 300;

  /** Deletion notices to partners: first retry after this many seconds, doubling, up to PARTNER_NOTICE_RETRIES. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  PARTNER_NOTICE_RETRY_SECONDS = 30;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(50)
  PARTNER_NOTICE_RETRIES = 12;

  /**
   * A received share whose next chunk has not come for this many seconds is discarded (the sender died or gave
   * up): a share is kept whole or not at all.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  PARTNER_RECEIVE_TIMEOUT_SECONDS = 3600;

  /** Largest partner file an import reads (bytes); past it the import is refused and nothing is kept. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  PARTNER_FILE_MAX_BYTES = 268_435_456;

  /**
   * Master key sealing agreements' shared keys at rest (AES-256-GCM): 32 random bytes, base64 or hex
   * (`openssl rand -base64 32`). Required with OIDC (AUTH_JWKS_URL); in local mode (HS256 only) a key
   * derived from AUTH_JWT_SECRET is used when unset. Changing it makes the stored keys unreadable.
   */
  @IsOptional()
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, {
    message: 'PARTNER_KEY_ENCRYPTION_KEY must be 32 bytes, base64 (openssl rand -base64 32) or 64 hex digits',
  })
  PARTNER_KEY_ENCRYPTION_KEY?: string;

  /** Read here only to tell local mode from an OIDC deployment; the platform's ServiceConfig validates them. */
  @IsOptional()
  @IsString()
  AUTH_JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  AUTH_JWKS_URL?: string;

  crossCheck(): ConfigProblem[] {
    if (this.PARTNER_KEY_ENCRYPTION_KEY) return [];
    if (this.AUTH_JWKS_URL)
      return [
        {
          variable: 'PARTNER_KEY_ENCRYPTION_KEY',
          message:
            "is required with AUTH_JWKS_URL (a deployment, not local mode): 32 random bytes, base64 or hex, that seal the partner agreements' keys",
        },
      ];
    if (!this.AUTH_JWT_SECRET)
      return [
        { variable: 'PARTNER_KEY_ENCRYPTION_KEY', message: 'is required (no AUTH_JWT_SECRET to derive a local one)' },
      ];
    return [];
  }
}

export function loadMarketingSettings(env: NodeJS.ProcessEnv = process.env): MarketingSettings {
  return loadConfig(MarketingSettings, env);
}
