import { Global, Module } from '@nestjs/common';
import { loadSalesSettings, SALES_SETTINGS } from './sales-settings';

/** sales' own settings, read and checked once at start. */
@Global()
@Module({
  providers: [{ provide: SALES_SETTINGS, useFactory: () => loadSalesSettings() }],
  exports: [SALES_SETTINGS],
})
export class SalesSettingsModule {}
