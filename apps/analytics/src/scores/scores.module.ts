import { Module } from '@nestjs/common';
import { ANALYTICS_SETTINGS, loadAnalyticsSettings } from '../shared/analytics-settings';
import { ClvModelService } from './clv-model.service';
import { CustomerClvService } from './customer-clv.service';
import { CustomerScoring } from './customer-scoring.service';
import { ScoreReportsService } from './score-reports.service';
import { ScoresController } from './scores.controller';
import { RescoreQueueWorker } from './rescore-queue.worker';

@Module({
  controllers: [ScoresController],
  providers: [
    { provide: ANALYTICS_SETTINGS, useFactory: () => loadAnalyticsSettings() },
    ClvModelService,
    CustomerClvService,
    CustomerScoring,
    ScoreReportsService,
    RescoreQueueWorker,
  ],
  exports: [CustomerScoring, ClvModelService, ANALYTICS_SETTINGS],
})
export class ScoresModule {}
