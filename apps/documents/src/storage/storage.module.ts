import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@crm/platform';
import { DOCUMENTS_CONFIG, type DocumentsConfig } from '../shared/documents-config';
import { BLOB_STORE, type BlobStore } from './blob-store';
import { LocalDiskStore } from './local-disk-store';

/** The AWS SDK is loaded only when S3 is configured: it is most of the start-up time otherwise. */
export async function blobStoreFor(c: DocumentsConfig): Promise<BlobStore> {
  if (c.STORAGE_DRIVER === 's3') {
    const { S3Store } = await import('./s3-store');
    return new S3Store({
      bucket: c.S3_BUCKET as string,
      endpoint: c.S3_ENDPOINT,
      region: c.S3_REGION,
      forcePathStyle: c.S3_FORCE_PATH_STYLE === 'true',
      accessKeyId: c.S3_ACCESS_KEY_ID,
      secretAccessKey: c.S3_SECRET_ACCESS_KEY,
    });
  }
  return new LocalDiskStore(c.STORAGE_DIR);
}

class StorageHealth implements OnModuleInit {
  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register({ name: 'storage', check: () => this.store.check() });
  }
}

@Global()
@Module({
  providers: [
    { provide: BLOB_STORE, inject: [DOCUMENTS_CONFIG], useFactory: blobStoreFor },
    {
      provide: StorageHealth,
      inject: [BLOB_STORE, HealthRegistry],
      useFactory: (s: BlobStore, h: HealthRegistry) => new StorageHealth(s, h),
    },
  ],
  exports: [BLOB_STORE],
})
export class StorageModule {}
