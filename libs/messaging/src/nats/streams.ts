import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  nanos,
  type JetStreamManager,
  type StreamConfig,
} from 'nats';

const STREAM_NOT_FOUND = 10059;
const DAY_MS = 24 * 3600 * 1000;

function isNotFound(error: unknown): boolean {
  const api = (error as { api_error?: { err_code?: number } }).api_error;
  return api?.err_code === STREAM_NOT_FOUND || /stream not found/i.test(String(error));
}

/** What the services ask of a stream; an operator may provision more. */
export interface StreamSettings {
  /** How long the stream keeps messages (EVENT_STREAM_MAX_AGE_DAYS, EVENT_DLQ_MAX_AGE_DAYS). */
  maxAgeDays?: number;
  /** Copies of each message in a NATS cluster (EVENT_STREAM_REPLICAS). */
  replicas?: number;
  duplicateWindowMs?: number;
}

function wantedConfig(name: string, subjects: string[], s: StreamSettings): StreamConfig {
  return {
    name,
    subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos((s.maxAgeDays ?? 30) * DAY_MS),
    duplicate_window: nanos(s.duplicateWindowMs ?? 10 * 60 * 1000),
    num_replicas: s.replicas ?? 1,
  } as StreamConfig;
}

/**
 * The changes an existing stream needs to serve us, or undefined if none.
 * Only ever widens: more subjects, more replicas, a longer age or duplicate
 * window. Whatever an operator provisioned beyond that (R3, 90 days, limits,
 * discard policy) stays as it is.
 */
export function widenStream(existing: StreamConfig, wanted: StreamConfig): Partial<StreamConfig> | undefined {
  const changes: Partial<StreamConfig> = {};
  const missing = wanted.subjects.filter((s) => !existing.subjects?.includes(s));
  if (missing.length) changes.subjects = [...(existing.subjects ?? []), ...missing];
  if ((existing.num_replicas ?? 1) < wanted.num_replicas) changes.num_replicas = wanted.num_replicas;
  // 0 means no age limit: already longer than anything we would ask.
  if (existing.max_age !== 0 && existing.max_age < wanted.max_age) changes.max_age = wanted.max_age;
  if ((existing.duplicate_window ?? 0) < wanted.duplicate_window) changes.duplicate_window = wanted.duplicate_window;
  return Object.keys(changes).length ? changes : undefined;
}

/** Creates the stream, or widens an existing one where it falls short of these settings; never shrinks it. */
export async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  subjects: string[],
  settings: StreamSettings = {},
): Promise<void> {
  const wanted = wantedConfig(name, subjects, settings);
  let existing: StreamConfig;
  try {
    existing = (await jsm.streams.info(name)).config;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add(wanted);
    return;
  }
  const changes = widenStream(existing, wanted);
  if (changes) await jsm.streams.update(name, changes);
}

export interface DurableConsumerConfig {
  stream: string;
  durable: string;
  filterSubject: string;
  /** The server's delivery limit; -1 (unlimited) leaves the cap to the consumer, which never drops an event. */
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending: number;
}

export async function ensureDurableConsumer(jsm: JetStreamManager, c: DurableConsumerConfig): Promise<void> {
  const config = {
    durable_name: c.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: c.filterSubject,
    max_deliver: c.maxDeliver,
    ack_wait: nanos(c.ackWaitMs),
    max_ack_pending: c.maxAckPending,
  };
  try {
    await jsm.consumers.info(c.stream, c.durable);
    await jsm.consumers.update(c.stream, c.durable, {
      max_deliver: config.max_deliver,
      ack_wait: config.ack_wait,
      max_ack_pending: config.max_ack_pending,
    });
  } catch (error) {
    if (
      !/consumer not found/i.test(String(error)) &&
      (error as { api_error?: { err_code?: number } }).api_error?.err_code !== 10014
    ) {
      throw error;
    }
    await jsm.consumers.add(c.stream, config);
  }
}
