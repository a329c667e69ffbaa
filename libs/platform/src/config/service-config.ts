import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { parseRolePermissions } from '../auth/permissions';
import type { ConfigProblem } from './load-config';

/** The variables every service reads. Names are the environment variable names. */
export class ServiceConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Address to listen on: loopback unless a container sets HOST=0.0.0.0 (compose and Kubernetes do). */
  @IsString()
  @Matches(/^[A-Za-z0-9.:[\]-]+$/, { message: 'HOST must be an address such as 127.0.0.1 or 0.0.0.0' })
  HOST = '127.0.0.1';

  @IsString()
  @Matches(/^postgres(ql)?:\/\/.+\/[A-Za-z_][A-Za-z0-9_]*(\?.*)?$/, {
    message: 'DATABASE_URL must be a postgres:// URL naming a database',
  })
  DATABASE_URL!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 20;

  /**
   * Repeated parameterised statements run as named prepared statements (parsed
   * once per connection). `false` for a pooler in front of Postgres that cannot
   * keep them (PgBouncer in transaction mode before 1.21).
   */
  @IsIn(['true', 'false'], { message: 'DATABASE_PREPARED_STATEMENTS must be true or false' })
  DATABASE_PREPARED_STATEMENTS: 'true' | 'false' = 'true';

  @IsString()
  @Matches(/^nats:\/\/[^,\s]+(,nats:\/\/[^,\s]+)*$/, {
    message: 'NATS_URL must be one or more nats:// URLs, comma-separated',
  })
  NATS_URL = 'nats://127.0.0.1:4222';

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'AUTH_JWT_SECRET must be at least 32 characters' })
  AUTH_JWT_SECRET?: string;

  /** Key of the gateway's internal tokens; unset, AUTH_JWT_SECRET signs them too (they still have their own type and audience). */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'INTERNAL_TOKEN_SECRET must be at least 32 characters' })
  INTERNAL_TOKEN_SECRET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'AUTH_JWKS_URL must be an http(s) URL' })
  AUTH_JWKS_URL?: string;

  @IsString()
  AUTH_ISSUER = 'crm-local';

  @IsString()
  AUTH_AUDIENCE = 'crm';

  /** JSON map of role to permissions, replacing the default map. */
  @IsOptional()
  @IsString()
  AUTH_ROLE_PERMISSIONS?: string;

  @IsIn(['debug', 'info', 'warn', 'error'])
  LOG_LEVEL = 'info';

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1_048_576;

  @IsOptional()
  @IsString()
  SERVICE_NAME?: string;

  /** Fallback poll of the outbox relay, ms; commits wake it sooner. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  OUTBOX_POLL_MS = 1000;

  /** Hours a published outbox row (with its event payload) stays before it is pruned; 0 prunes at the next pass. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  OUTBOX_RETENTION_HOURS = 168;

  /** Days a service's stream keeps events (applied when creating the stream or lengthening it; never shortens one). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  EVENT_STREAM_MAX_AGE_DAYS = 30;

  /** Days CRM_DLQ keeps dead letters (with their event payloads). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  EVENT_DLQ_MAX_AGE_DAYS = 30;

  /** Copies of each stream in a NATS cluster (JetStream allows 1 to 5); a stream with more keeps them. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  EVENT_STREAM_REPLICAS = 1;

  /** Deliveries of a failing event before it is dead-lettered. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  EVENT_MAX_DELIVER = 5;

  /** Hours a consumed event's inbox row stays; must exceed the streams' age so a replay finds it. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  INBOX_RETENTION_HOURS = 840;

  crossCheck(): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (!this.AUTH_JWT_SECRET && !this.AUTH_JWKS_URL) {
      problems.push({
        variable: 'AUTH_JWT_SECRET',
        message: 'set AUTH_JWT_SECRET (local HS256) or AUTH_JWKS_URL (OIDC), or both',
      });
    }
    if (this.INBOX_RETENTION_HOURS <= this.EVENT_STREAM_MAX_AGE_DAYS * 24) {
      problems.push({
        variable: 'INBOX_RETENTION_HOURS',
        message: `must be longer than EVENT_STREAM_MAX_AGE_DAYS (${this.EVENT_STREAM_MAX_AGE_DAYS * 24} hours), or a replayed event is applied twice`,
      });
    }
    if (this.AUTH_ROLE_PERMISSIONS) {
      try {
        parseRolePermissions(this.AUTH_ROLE_PERMISSIONS);
      } catch (error) {
        problems.push({ variable: 'AUTH_ROLE_PERMISSIONS', message: (error as Error).message });
      }
    }
    return problems;
  }
}

export const SERVICE_CONFIG = Symbol('crm:service-config');
