import { Module } from '@nestjs/common';
import { ErasureController } from './erasure.controller';
import { ErasureReceiptsConsumer } from './erasure-receipts.consumer';
import { ErasureReceiptsService } from './erasure-receipts.service';
import { ERASURE_SETTINGS, loadErasureSettings } from './erasure-settings';
import { ErasureService } from './erasure.service';
import { RecordErasureReceiptHandler } from './record-erasure-receipt.handler';

@Module({
  controllers: [ErasureController],
  providers: [
    { provide: ERASURE_SETTINGS, useFactory: () => loadErasureSettings() },
    ErasureService,
    ErasureReceiptsService,
    RecordErasureReceiptHandler,
    ErasureReceiptsConsumer,
  ],
})
export class ErasureModule {}
