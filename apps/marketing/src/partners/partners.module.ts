import { Global, Module } from '@nestjs/common';
import { DeletionFilesService } from './deletion-files.service';
import { DeletionNoticesService } from './deletion-notices.service';
import { ExchangeController } from './exchange.controller';
import { ExchangeProtocols } from './exchange-protocol';
import { FilesController } from './files.controller';
import { PartnerFilesService } from './partner-files.service';
import { ExchangeRawBody, ExchangeSignatureGuard } from './exchange-signature.guard';
import { PartnerAudiencesService } from './partner-audiences.service';
import { PartnerClient } from './partner-client';
import { PartnerKeys } from './partner-keys';
import { PartnerHashIndex } from './partner-hash-index.service';
import { PartnersController } from './partners.controller';
import { PartnersService } from './partners.service';
import { ShareLogService } from './share-log.service';
import { SharingController } from './sharing.controller';
import { SharingService } from './sharing.service';

// Global: the contact event handlers (listed with the mirror's) queue deletion notices through it.
@Global()
@Module({
  controllers: [PartnersController, SharingController, ExchangeController, FilesController],
  providers: [
    PartnersService,
    PartnerKeys,
    PartnerHashIndex,
    PartnerFilesService,
    PartnerClient,
    SharingService,
    ShareLogService,
    PartnerAudiencesService,
    DeletionNoticesService,
    DeletionFilesService,
    ExchangeRawBody,
    ExchangeSignatureGuard,
    ExchangeProtocols,
  ],
  exports: [PartnersService, DeletionNoticesService, PartnerAudiencesService, PartnerHashIndex],
})
export class PartnersModule {}
