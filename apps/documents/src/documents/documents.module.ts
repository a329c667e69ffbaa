import { Module } from '@nestjs/common';
import { DocumentsRpc } from '../customers/documents.rpc';
import { EraseDocumentsWhenContactErasedHandler } from '../erasure/erase-documents-when-contact-erased.handler';
import { RelinkDocumentsWhenContactMergedHandler } from '../erasure/relink-documents-when-contact-merged.handler';
import { UnlinkDocumentsWhenAccountDeletedHandler } from '../erasure/unlink-documents-when-account-deleted.handler';
import { ExtractionService } from '../extraction/extraction.service';
import { HoldsController } from '../holds/holds.controller';
import { HoldsService } from '../holds/holds.service';
import { RetentionController } from '../retention/retention.controller';
import { RetentionService } from '../retention/retention.service';
import { SearchController } from '../search/search.controller';
import { SearchService } from '../search/search.service';
import { BlobCleanupService } from '../storage/blob-cleanup.service';
import { VersionsController } from '../versions/versions.controller';
import { VersionsService } from '../versions/versions.service';
import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';

export const contactEventHandlers = [
  RelinkDocumentsWhenContactMergedHandler,
  EraseDocumentsWhenContactErasedHandler,
  UnlinkDocumentsWhenAccountDeletedHandler,
];

@Module({
  // Static paths (search, holds, retention-policies) before /documents/:id.
  controllers: [
    SearchController,
    HoldsController,
    RetentionController,
    DocumentsController,
    VersionsController,
    DocumentsRpc,
  ],
  providers: [
    DocumentsService,
    VersionsService,
    SearchService,
    HoldsService,
    RetentionService,
    ExtractionService,
    BlobCleanupService,
    ...contactEventHandlers,
  ],
})
export class DocumentsModule {}
