import { uuidv7 } from '@crm/persistence';

/** CloudEvents 1.0, JSON structured mode, plus the changed entity's version. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  version: number;
  data: T;
}

export interface NewEvent<T> {
  type: string;
  subject: string;
  version: number;
  data: T;
}

const TYPE_RE = /^crm\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

export function buildCloudEvent<T>(service: string, e: NewEvent<T>, now = new Date()): CloudEvent<T> {
  if (!TYPE_RE.test(e.type) || !e.type.startsWith(`crm.${service}.`)) {
    throw new Error(`Event type "${e.type}" must be crm.${service}.<entity>.<past-tense-verb>`);
  }
  if (!Number.isInteger(e.version) || e.version < 1) {
    throw new Error(`Event version must be a positive integer, got ${e.version}`);
  }
  return {
    specversion: '1.0',
    id: uuidv7(),
    source: `crm/${service}`,
    type: e.type,
    subject: e.subject,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    version: e.version,
    data: e.data,
  };
}

/** Checks the fields a consumer relies on; anything else in the envelope is ignored. */
export function parseCloudEvent(raw: unknown): CloudEvent {
  if (typeof raw !== 'object' || raw === null) throw new Error('event is not a JSON object');
  const e = raw as Record<string, unknown>;
  for (const key of ['id', 'type', 'source', 'subject', 'time'] as const) {
    if (typeof e[key] !== 'string' || (e[key] as string).length === 0) {
      throw new Error(`event has no ${key}`);
    }
  }
  if (e['specversion'] !== '1.0') throw new Error('event specversion is not 1.0');
  if (typeof e['version'] !== 'number') throw new Error('event has no version');
  return raw as CloudEvent;
}
