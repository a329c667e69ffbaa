import { Global, Module } from '@nestjs/common';
import { loadConfig } from '@crm/platform';
import { SUPPORT_CONFIG, SupportConfig } from './support-config';

@Global()
@Module({
  providers: [{ provide: SUPPORT_CONFIG, useFactory: () => loadConfig(SupportConfig) }],
  exports: [SUPPORT_CONFIG],
})
export class SupportConfigModule {}
