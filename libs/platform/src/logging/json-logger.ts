import type { LoggerService, LogLevel } from '@nestjs/common';
import { trace } from '@opentelemetry/api';

const ORDER: Record<string, number> = { verbose: 0, debug: 1, log: 2, info: 2, warn: 3, error: 4, fatal: 5 };
const NAME: Record<string, string> = { log: 'info', verbose: 'debug' };

/** One JSON object per line, carrying the active trace and span ids. */
export class JsonLogger implements LoggerService {
  private threshold: number;

  constructor(
    private readonly service: string,
    level: string = process.env['LOG_LEVEL'] ?? 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {
    this.threshold = ORDER[level] ?? ORDER['info'];
  }

  setLogLevels(levels: LogLevel[]): void {
    this.threshold = Math.min(...levels.map((l) => ORDER[l] ?? 2));
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('fatal', message, rest);
  }

  private emit(level: string, message: unknown, rest: unknown[]): void {
    if ((ORDER[level] ?? 2) < this.threshold) return;
    const context = rest.length && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level: NAME[level] ?? level,
      service: this.service,
      context,
    };
    if (message instanceof Error) {
      entry['msg'] = message.message;
      entry['stack'] = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(entry, message);
    } else {
      entry['msg'] = String(message);
    }
    if (level === 'error' && rest.length > 1 && typeof rest[0] === 'string') entry['stack'] = rest[0];
    const span = trace.getActiveSpan()?.spanContext();
    if (span && span.traceId !== '00000000000000000000000000000000') {
      entry['trace_id'] = span.traceId;
      entry['span_id'] = span.spanId;
    }
    this.write(JSON.stringify(entry));
  }
}
