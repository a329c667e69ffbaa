import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EventPublisher } from '@crm/messaging';
import { SUPPORT_CONFIG, type SupportConfig } from '../shared/support-config';
import { SlaScheduler } from './sla-scheduler';

@Injectable()
export class SlaLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SlaScheduler');
  readonly scheduler: SlaScheduler;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    events: EventPublisher,
    @Inject(SUPPORT_CONFIG) config: SupportConfig,
  ) {
    this.scheduler = new SlaScheduler({
      databaseUrl: config.DATABASE_URL,
      dataSource,
      events,
      pollMs: config.SLA_POLL_MS,
      log: (level, message) => (level === 'info' ? this.logger.log(message) : this.logger.warn(message)),
    });
  }

  onApplicationBootstrap(): void {
    this.scheduler.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
  }
}

@Module({ providers: [SlaLifecycle] })
export class SlaModule {}
