import { Global, Module } from '@nestjs/common';
import { loadConfig } from '@crm/platform';
import { DOCUMENTS_CONFIG, DocumentsConfig } from './documents-config';

@Global()
@Module({
  providers: [{ provide: DOCUMENTS_CONFIG, useFactory: () => loadConfig(DocumentsConfig) }],
  exports: [DOCUMENTS_CONFIG],
})
export class DocumentsConfigModule {}
