import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ImportJobs } from '@crm/bulk';
import { JobRunner } from '@crm/jobs';
import { ORDERS_IMPORT } from './order-imports.kind';
import type { OrdersMapping } from './order-import-rows';

/**
 * Orders imports: @crm/bulk's durable job machinery (upload by COPY, batches
 * with checkpoints, resume after a crash, cancel, error report, progress)
 * over the orders kind (order-imports.kind.ts).
 */
@Injectable()
export class OrderImportsService
  extends ImportJobs<OrdersMapping>
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  constructor(@InjectDataSource() dataSource: DataSource, jobs: JobRunner) {
    super(dataSource, jobs, ORDERS_IMPORT);
  }

  onModuleInit(): void {
    this.register();
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }
}
