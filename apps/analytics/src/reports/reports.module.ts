import { Module } from '@nestjs/common';
import { AttributionService } from './attribution.service';
import { FunnelsService } from './funnels.service';
import { PurchaseReportsService } from './purchase-reports.service';
import { ReportsController } from './reports.controller';
import { SupportKpisService } from './support-kpis.service';

@Module({
  controllers: [ReportsController],
  providers: [PurchaseReportsService, FunnelsService, AttributionService, SupportKpisService],
})
export class ReportsModule {}
