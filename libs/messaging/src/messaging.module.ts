import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { HealthRegistry, SERVICE_CONFIG, type ServiceConfig } from '@crm/platform';
import { DurableConsumer, type BatchOptions, type DurableConsumerOptions } from './consumer/durable-consumer';
import { ON_EVENT_TYPES, type EventHandler } from './consumer/on-event.decorator';
import { EventNaming } from './nats/naming';
import { NatsConnector } from './nats/nats-connector';
import { EventPublisher } from './outbox/event-publisher';
import { OutboxRelay } from './outbox/outbox-relay';
import { OutboxNotifier } from './outbox/outbox-notifier';
import { messagingMetrics, registerRelayLagProbe } from './messaging.metrics';
import type { StreamSettings } from './nats/streams';

export interface Subscription {
  /** The producing service whose stream is consumed, e.g. 'contacts'. */
  stream: string;
  handlers: Type<EventHandler>[];
  /**
   * Apply waiting events in batches of up to `size` (DurableConsumerOptions.batch) instead of one by one;
   * `workers` batches at once, split by `partitionBy` (default the subject). Read when the consumers start.
   */
  batch?: BatchOptions;
}

export interface MessagingModuleOptions {
  /** This service's name; it publishes on crm.<service>.> to CRM_<SERVICE>. */
  service: string;
  /** Whether this service publishes events (runs the outbox relay). */
  publishes?: boolean;
  subscribe?: Subscription[];
  maxDeliver?: number;
  backoffMs?: number[];
}

export const MESSAGING_OPTIONS = Symbol('crm:messaging-options');

function logTo(logger: Logger) {
  return (level: 'info' | 'warn' | 'error', message: string) =>
    level === 'info' ? logger.log(message) : level === 'warn' ? logger.warn(message) : logger.error(message);
}

/**
 * The consumer options that come from the service's settings (delivery cap,
 * stream and DLQ retention and replicas, inbox window), for code that builds
 * a DurableConsumer itself: `new DurableConsumer({ ...consumerSettings(config), ... })`.
 */
export function consumerSettings(
  c: ServiceConfig,
): Pick<DurableConsumerOptions, 'maxDeliver' | 'streamSettings' | 'dlq' | 'inboxRetentionHours'> {
  return {
    maxDeliver: c.EVENT_MAX_DELIVER,
    streamSettings: { maxAgeDays: c.EVENT_STREAM_MAX_AGE_DAYS, replicas: c.EVENT_STREAM_REPLICAS },
    dlq: { maxAgeDays: c.EVENT_DLQ_MAX_AGE_DAYS, replicas: c.EVENT_STREAM_REPLICAS },
    inboxRetentionHours: c.INBOX_RETENTION_HOURS,
  };
}

/** Age of the oldest unpublished outbox row in seconds, 0 when every row is published. */
async function oldestUnpublishedAge(dataSource: DataSource): Promise<number> {
  const rows: { age: number | null }[] = await dataSource.query(
    `SELECT EXTRACT(EPOCH FROM now() - created_at)::float8 AS age FROM outbox
      WHERE published_at IS NULL ORDER BY seq LIMIT 1`,
  );
  return Math.max(0, rows[0]?.age ?? 0);
}

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private relay?: OutboxRelay;
  private readonly consumers: DurableConsumer[] = [];
  private unregisterLag?: () => void;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly nats: NatsConnector,
    private readonly naming: EventNaming,
    private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    health: HealthRegistry,
  ) {
    // Committed outbox rows wake relays; consumers' own writes too (they may publish).
    OutboxNotifier.attach(dataSource);
    // The outbox keeps events while NATS is away, so the service stays ready and reports itself degraded.
    health.register({
      name: 'nats',
      critical: false,
      check: async () => {
        if (!this.nats.isConnected()) throw new Error('not connected to NATS');
      },
    });
  }

  onApplicationBootstrap(): void {
    const log = logTo(this.logger);
    const c = this.config;
    const stream: StreamSettings = { maxAgeDays: c.EVENT_STREAM_MAX_AGE_DAYS, replicas: c.EVENT_STREAM_REPLICAS };
    this.nats.start();
    if (this.options.publishes !== false) {
      this.relay = new OutboxRelay({
        service: this.options.service,
        databaseUrl: c.DATABASE_URL,
        nats: this.nats,
        naming: this.naming,
        pollMs: c.OUTBOX_POLL_MS,
        retentionHours: c.OUTBOX_RETENTION_HOURS,
        stream,
        log,
        onPublished: (count) => messagingMetrics.published.inc({ service: this.options.service }, count),
      });
      this.unregisterLag = registerRelayLagProbe(this.options.service, () => oldestUnpublishedAge(this.dataSource));
      this.relay.start();
      const relay = this.relay;
      OutboxNotifier.attach(this.dataSource).onCommit(() => relay.wakeUp());
    }
    for (const sub of this.options.subscribe ?? []) {
      const handlers = new Map<string, EventHandler[]>();
      for (const type of sub.handlers) {
        const instance = this.moduleRef.get<EventHandler>(type, { strict: false });
        const types = Reflect.getMetadata(ON_EVENT_TYPES, type) as string[] | undefined;
        if (!types?.length) throw new Error(`${type.name} has no @OnEvent(...) types`);
        for (const t of types) handlers.set(t, [...(handlers.get(t) ?? []), instance]);
      }
      const consumer = new DurableConsumer({
        consumer: this.options.service,
        stream: sub.stream,
        dataSource: this.dataSource,
        nats: this.nats,
        naming: this.naming,
        handlers,
        batch: sub.batch,
        ...consumerSettings(c),
        maxDeliver: this.options.maxDeliver ?? c.EVENT_MAX_DELIVER,
        backoffMs: this.options.backoffMs,
        log,
        onApplied: (event, outcome) =>
          messagingMetrics.consumed.inc({ consumer: this.options.service, type: event.type, outcome }),
        onBatch: (b) => {
          const labels = { consumer: this.options.service, stream: sub.stream };
          messagingMetrics.batchEvents.observe({ ...labels, outcome: b.outcome }, b.events);
          for (const [phase, ms] of Object.entries(b.ms))
            messagingMetrics.batchSeconds.observe({ ...labels, phase }, ms / 1000);
        },
      });
      consumer.start();
      this.consumers.push(consumer);
    }
  }

  /** Stop taking events and relaying before the pools close; NATS drains last. */
  async beforeApplicationShutdown(): Promise<void> {
    // Without a connection nothing can drain; closing first releases anyone waiting for one.
    if (!this.nats.isConnected()) await this.nats.close();
    await Promise.all(this.consumers.map((c) => c.stop()));
    await this.relay?.stop();
    this.unregisterLag?.();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.nats.close();
  }
}

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: EventNaming,
          useFactory: () => new EventNaming(process.env['CRM_EVENT_NAMESPACE'] ?? ''),
        },
        {
          provide: NatsConnector,
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) =>
            new NatsConnector({ url: config.NATS_URL, name: options.service, log: logTo(new Logger('Nats')) }),
        },
        { provide: EventPublisher, useFactory: () => new EventPublisher(options.service) },
        MessagingLifecycle,
      ],
      exports: [EventPublisher, NatsConnector, EventNaming],
    };
  }
}
