import type { LoggerService, LogLevel } from '@nestjs/common';
import { trace, isSpanContextValid } from '@opentelemetry/api';
import { redactLogText } from './redact';

const ORDER: Record<string, number> = { verbose: 0, trace: 0, debug: 1, log: 2, info: 2, warn: 3, error: 4, fatal: 5 };
const NAME: Record<string, string> = { log: 'info', verbose: 'trace' };
const RESERVED = new Set(['time', 'level', 'service', 'context', 'trace_id', 'span_id']);

/**
 * Nest's logger as one JSON object per line: {time, level, service, context,
 * msg, trace_id, span_id, ...}. The ids come from the active OpenTelemetry
 * span, so a log line leads to its trace. LOG_LEVEL sets the threshold.
 * Messages and stacks pass through redactLogText, so an error message that
 * quotes a value (a failed cast, a duplicate key) does not put it in the log.
 */
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
    this.threshold = levels.length ? Math.min(...levels.map((l) => ORDER[l] ?? ORDER['info'])) : Infinity;
  }

  isEnabled(level: string): boolean {
    return (ORDER[level] ?? ORDER['info']) >= this.threshold;
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
    if (!this.isEnabled(level)) return;
    // Nest passes the context last; error() may pass a stack before it.
    const params = [...rest];
    const context =
      params.length > 0 && typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const entry: Record<string, unknown> = {};
    if (message instanceof Error) {
      entry['msg'] = message.message;
      entry['stack'] = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      for (const [k, v] of Object.entries(message)) if (!RESERVED.has(k)) entry[k] = v;
    } else {
      entry['msg'] = String(message);
    }
    const [first] = params;
    if (typeof first === 'string' && (level === 'error' || level === 'fatal')) entry['stack'] = first;
    else if (first instanceof Error) entry['stack'] = first.stack;
    for (const key of ['msg', 'stack']) if (typeof entry[key] === 'string') entry[key] = redactLogText(entry[key]);
    const span = trace.getActiveSpan()?.spanContext();
    const ids = span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
    this.write(
      JSON.stringify({
        time: new Date().toISOString(),
        level: NAME[level] ?? level,
        service: this.service,
        context,
        ...entry,
        ...ids,
      }),
    );
  }
}
