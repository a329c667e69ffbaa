import { Global, Module } from '@nestjs/common';
import { loadMarketingSettings, MARKETING_SETTINGS } from './marketing-settings';

@Global()
@Module({
  providers: [{ provide: MARKETING_SETTINGS, useFactory: () => loadMarketingSettings() }],
  exports: [MARKETING_SETTINGS],
})
export class SettingsModule {}
