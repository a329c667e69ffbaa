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

function isNotFound(error: unknown): boolean {
  const api = (error as { api_error?: { err_code?: number } }).api_error;
  return api?.err_code === STREAM_NOT_FOUND || /stream not found/i.test(String(error));
}

/** Creates the stream or brings an existing one to this configuration. */
export async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  subjects: string[],
  opts: { maxAgeDays?: number; duplicateWindowMs?: number } = {},
): Promise<void> {
  const config: Partial<StreamConfig> = {
    name,
    subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos((opts.maxAgeDays ?? 30) * 24 * 3600 * 1000),
    duplicate_window: nanos(opts.duplicateWindowMs ?? 10 * 60 * 1000),
    num_replicas: 1,
  };
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, config);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add(config);
  }
}

export interface DurableConsumerConfig {
  stream: string;
  durable: string;
  filterSubject: string;
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
    if (!/consumer not found/i.test(String(error)) && (error as { api_error?: { err_code?: number } }).api_error?.err_code !== 10014) {
      throw error;
    }
    await jsm.consumers.add(c.stream, config);
  }
}
