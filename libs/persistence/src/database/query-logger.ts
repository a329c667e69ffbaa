import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { redactLogText } from '@crm/platform';

const MAX_SQL = 500;

function sqlState(error: string | Error): string | undefined {
  const driver = (error as { driverError?: { code?: unknown } }).driverError;
  const code = driver?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * TypeORM's logger for services: failed and slow queries are logged with the
 * SQL text (placeholders, not values), the SQLSTATE and how many parameters
 * there were, never the parameters themselves nor a row's contents, since
 * those hold names, emails and event payloads. Lines go through Nest's
 * logger, so they come out as the service's JSON logs.
 */
export class SafeQueryLogger implements TypeOrmLogger {
  private readonly logger = new Logger('Database');

  logQuery(): void {
    // Successful queries are not logged; traces time them.
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[]): void {
    const message = redactLogText(typeof error === 'string' ? error : error.message);
    const state = sqlState(error);
    this.logger.error(
      `query failed${state ? ` (SQLSTATE ${state})` : ''}: ${message}; sql: ${shorten(query)}; ${parameters?.length ?? 0} parameters not logged`,
    );
  }

  logQuerySlow(time: number, query: string, parameters?: unknown[]): void {
    this.logger.warn(`slow query (${time} ms): ${shorten(query)}; ${parameters?.length ?? 0} parameters not logged`);
  }

  logSchemaBuild(message: string): void {
    this.logger.log(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = redactLogText(String(message));
    if (level === 'warn') this.logger.warn(text);
    else this.logger.log(text);
  }
}

function shorten(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SQL ? `${flat.slice(0, MAX_SQL)}…` : flat;
}
