import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { ServiceConfig } from '@crm/platform';

export const SUPPORT_CONFIG = Symbol('crm:support-config');

/** support's own variables on top of every service's. */
export class SupportConfig extends ServiceConfig {
  /** Poll of the SLA scheduler's leader, ms; clock changes wake it sooner (LISTEN/NOTIFY). */
  @Type(() => Number)
  @IsInt()
  @Min(20)
  @Max(10_000)
  SLA_POLL_MS = 250;

  /** Port of the inbound SMTP receiver; unset, no receiver runs (0 picks a free port). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  SMTP_INBOUND_PORT?: number;

  @IsString()
  SMTP_INBOUND_HOST = '127.0.0.1';

  /** Largest inbound mail accepted, bytes. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  SMTP_INBOUND_MAX_BYTES = 10_485_760;

  /** Where replies are sent, e.g. smtp://127.0.0.1:2525; unset, replies are stored but not mailed. */
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_OUTBOUND_URL must be an smtp:// or smtps:// URL' })
  SMTP_OUTBOUND_URL?: string;

  @IsString()
  MAIL_FROM = 'support@crm.local';

  /** Domain of the Message-IDs of outgoing replies. */
  @IsString()
  @Matches(/^[A-Za-z0-9.-]+$/, { message: 'MAIL_MESSAGE_ID_DOMAIN must be a domain name' })
  MAIL_MESSAGE_ID_DOMAIN = 'support.crm.local';

  /** Shared secret of the chat/social webhook (HMAC-SHA256); unset, the webhook answers 503. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'WEBHOOK_SECRET must be at least 16 characters' })
  WEBHOOK_SECRET?: string;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(3600)
  WEBHOOK_WINDOW_SECONDS = 300;

  /** Public address of the survey page; the token is appended. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'CSAT_BASE_URL must be an http(s) URL' })
  CSAT_BASE_URL = 'http://127.0.0.1:3003/csat/';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  CSAT_TTL_HOURS = 168;

  /** Warranty of a product sales has no warranty policy for. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600)
  WARRANTY_DEFAULT_MONTHS = 24;
}
