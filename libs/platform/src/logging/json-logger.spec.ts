import { Logger } from '@nestjs/common';
import { context, ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { JsonLogger } from './json-logger';

/** Enough of a context manager for synchronous code: what telemetry's real one does across awaits. */
class StackContextManager implements ContextManager {
  private stack: Context[] = [];
  active(): Context {
    return this.stack[this.stack.length - 1] ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    this.stack.push(ctx);
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.stack.pop();
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.stack = [];
    return this;
  }
}

function capture(level?: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger('contacts', level, (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  return { logger, lines };
}

describe('JSON logs', () => {
  it('writes one JSON object per line with time, level, service, context and message', () => {
    const { logger, lines } = capture('info');
    logger.log('listening on 3001', 'Bootstrap');
    expect(lines).toEqual([
      { time: expect.any(String), level: 'info', service: 'contacts', context: 'Bootstrap', msg: 'listening on 3001' },
    ]);
    expect(Number.isNaN(Date.parse(lines[0]['time'] as string))).toBe(false);
  });

  it('keeps the stack Nest passes with an error apart from the message', () => {
    const { logger, lines } = capture('info');
    logger.error('relay failed', 'Error: boom\n    at relay.ts:1', 'Relay');
    expect(lines[0]).toMatchObject({
      level: 'error',
      context: 'Relay',
      msg: 'relay failed',
      stack: 'Error: boom\n    at relay.ts:1',
    });
    logger.error(new Error('kaput'));
    expect(lines[1]).toMatchObject({ msg: 'kaput', stack: expect.stringContaining('json-logger.spec.ts') });
  });

  it('spreads an object message into fields without letting it overwrite the fixed ones', () => {
    const { logger, lines } = capture('info');
    logger.warn({ msg: 'slow query', ms: 812, level: 'debug', service: 'spoof' }, 'Db');
    expect(lines[0]).toMatchObject({ level: 'warn', service: 'contacts', context: 'Db', msg: 'slow query', ms: 812 });
  });

  it('takes emails and the values Postgres quotes out of messages and stacks, keeping table and constraint names', () => {
    const { logger, lines } = capture('info');
    logger.error(
      'POST /contacts failed: QueryFailedError: invalid input syntax for type uuid: "ada@engines.example"',
      'QueryFailedError: at x',
      'Errors',
    );
    logger.error(
      new Error(
        'duplicate key value violates unique constraint "person_emails_pkey": Key (address)=(grace@navy.example) exists',
      ),
    );
    logger.warn('mail to grace.hopper+crm@navy.example bounced', 'Mail');
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/ada@|grace/);
    expect(lines[0]['msg']).toBe(
      'POST /contacts failed: QueryFailedError: invalid input syntax for type uuid: "[redacted]"',
    );
    expect(lines[1]['msg']).toContain('"person_emails_pkey"');
    expect(lines[1]['msg']).toContain('Key (address)=([redacted])');
    expect(lines[2]['msg']).toBe('mail to [email] bounced');
    expect(lines[1]['stack']).toContain('json-logger.spec.ts');
  });

  it('respects the level threshold', () => {
    const { logger, lines } = capture('warn');
    logger.debug('noise');
    logger.log('info noise');
    logger.warn('careful');
    logger.error('broken');
    expect(lines.map((l) => l['level'])).toEqual(['warn', 'error']);
    const verbose = capture('debug');
    verbose.logger.debug('details');
    expect(verbose.lines).toHaveLength(1);
  });

  it('serves as the logger behind Nest Logger instances', () => {
    const { logger, lines } = capture('info');
    Logger.overrideLogger(logger);
    try {
      new Logger('Outbox').log('published 3 events');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines.at(-1)).toMatchObject({ context: 'Outbox', msg: 'published 3 events' });
  });

  describe('inside a span', () => {
    beforeAll(() => context.setGlobalContextManager(new StackContextManager()));
    afterAll(() => context.disable());

    it('adds the trace and span ids of the active span', () => {
      const { logger, lines } = capture('info');
      const span = trace.wrapSpanContext({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: 1,
      });
      context.with(trace.setSpan(context.active(), span), () => logger.log('in a span'));
      logger.log('outside');
      expect(lines[0]).toMatchObject({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
      expect(lines[1]).not.toHaveProperty('trace_id');
    });
  });
});
