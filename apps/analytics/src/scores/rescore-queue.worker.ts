import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ANALYTICS_SETTINGS, type AnalyticsSettings } from '../shared/analytics-settings';
import { CustomerScoring } from './customer-scoring.service';

const DRAIN_LIMIT = 5000;

/**
 * Drains the re-scoring queue every ANALYTICS_RESCORE_EVERY_MS: the ingest
 * only queues the customers whose orders changed (one insert per batch), and
 * each customer is scored once per drain however many of its orders came in
 * meanwhile. The queue is a table written with the change, so a restart
 * loses nothing; the drain runs on one replica at a time.
 */
@Injectable()
export class RescoreQueueWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RescoreQueue');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly scoring: CustomerScoring,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.ANALYTICS_RESCORE_ON_ORDER !== 'true') return;
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.settings.ANALYTICS_RESCORE_EVERY_MS);
    this.timer.unref();
  }

  /** Drains until the queue is (nearly) empty, another replica holds it, or the service stops. */
  private async drain(): Promise<void> {
    try {
      while (!this.stopped) {
        const n = await this.scoring.drainRescoreQueue(DRAIN_LIMIT);
        if (n < DRAIN_LIMIT) return;
      }
    } catch (error) {
      this.logger.warn(`re-scoring queue drain failed, retrying later: ${(error as Error).message}`);
    }
  }
}
