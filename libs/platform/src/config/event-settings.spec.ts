import { ConfigError, loadConfig } from './load-config';
import { ServiceConfig } from './service-config';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/crm_contacts', AUTH_JWT_SECRET: 'x'.repeat(32) };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(ServiceConfig, { ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

describe('event retention and stream settings', () => {
  it('defaults to a week of published outbox rows, 30 days of stream and DLQ, one replica and 35 days of inbox', () => {
    const c = loadConfig(ServiceConfig, base);
    expect(c.OUTBOX_RETENTION_HOURS).toBe(168);
    expect(c.EVENT_STREAM_MAX_AGE_DAYS).toBe(30);
    expect(c.EVENT_DLQ_MAX_AGE_DAYS).toBe(30);
    expect(c.EVENT_STREAM_REPLICAS).toBe(1);
    expect(c.INBOX_RETENTION_HOURS).toBe(840);
    expect(c.EVENT_MAX_DELIVER).toBe(5);
    expect(c.OUTBOX_POLL_MS).toBe(1000);
  });

  it('reads the settings from the environment', () => {
    const c = loadConfig(ServiceConfig, {
      ...base,
      OUTBOX_RETENTION_HOURS: '0',
      EVENT_STREAM_MAX_AGE_DAYS: '7',
      EVENT_DLQ_MAX_AGE_DAYS: '90',
      EVENT_STREAM_REPLICAS: '3',
      INBOX_RETENTION_HOURS: '200',
    });
    expect([
      c.OUTBOX_RETENTION_HOURS,
      c.EVENT_STREAM_MAX_AGE_DAYS,
      c.EVENT_DLQ_MAX_AGE_DAYS,
      c.EVENT_STREAM_REPLICAS,
      c.INBOX_RETENTION_HOURS,
    ]).toEqual([0, 7, 90, 3, 200]);
  });

  it('refuses replicas outside 1 to 5, non-numbers and negative retentions, naming each variable', () => {
    expect(problemsOf({ EVENT_STREAM_REPLICAS: '7' })).toEqual(['EVENT_STREAM_REPLICAS']);
    expect(problemsOf({ EVENT_STREAM_REPLICAS: '0' })).toEqual(['EVENT_STREAM_REPLICAS']);
    expect(problemsOf({ OUTBOX_RETENTION_HOURS: '-1', EVENT_DLQ_MAX_AGE_DAYS: 'forever' })).toEqual(
      expect.arrayContaining(['OUTBOX_RETENTION_HOURS', 'EVENT_DLQ_MAX_AGE_DAYS']),
    );
  });

  it('refuses an inbox window shorter than the stream age, since a replay would then apply events twice', () => {
    expect(problemsOf({ EVENT_STREAM_MAX_AGE_DAYS: '30', INBOX_RETENTION_HOURS: '720' })).toEqual([
      'INBOX_RETENTION_HOURS',
    ]);
    expect(problemsOf({ EVENT_STREAM_MAX_AGE_DAYS: '30', INBOX_RETENTION_HOURS: '721' })).toEqual([]);
  });
});
