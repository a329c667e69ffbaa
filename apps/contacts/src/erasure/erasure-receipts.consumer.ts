import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { erasureCompletedType } from '@crm/contracts';
import { consumerSettings, DurableConsumer, EventNaming, NatsConnector } from '@crm/messaging';
import { SERVICE_CONFIG, type ServiceConfig } from '@crm/platform';
import { ERASURE_SETTINGS, SELF, type ErasureSettings } from './erasure-settings';
import { RecordErasureReceiptHandler } from './record-erasure-receipt.handler';

/**
 * One durable consumer `contacts` per participant's stream (CRM_ANALYTICS, …)
 * taking only that service's erasure receipts. The list comes from
 * ERASURE_PARTICIPANTS at start, so it is built here rather than in
 * MessagingModule.forRoot, which is fixed when the module is declared.
 */
@Injectable()
export class ErasureReceiptsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ErasureReceipts');
  private readonly consumers: DurableConsumer[] = [];

  constructor(
    @Inject(ERASURE_SETTINGS) private readonly settings: ErasureSettings,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly nats: NatsConnector,
    private readonly naming: EventNaming,
    private readonly handler: RecordErasureReceiptHandler,
  ) {}

  onApplicationBootstrap(): void {
    for (const service of this.settings.others) {
      const consumer = new DurableConsumer({
        consumer: SELF,
        stream: service,
        dataSource: this.dataSource,
        nats: this.nats,
        naming: this.naming,
        handlers: new Map([[erasureCompletedType(service), [this.handler]]]),
        // The service's delivery cap, stream and DLQ retention and replicas, inbox window.
        ...consumerSettings(this.config),
        log: (level, message) =>
          level === 'info'
            ? this.logger.log(message)
            : level === 'warn'
              ? this.logger.warn(message)
              : this.logger.error(message),
      });
      consumer.start();
      this.consumers.push(consumer);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }
}
