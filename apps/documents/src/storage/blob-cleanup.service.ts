import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { REMOVE_OBJECT_JOB } from '../documents/documents.service';
import { WorkQueue } from '../jobs/work-queue';
import { BLOB_STORE, type BlobStore } from './blob-store';

export const SWEEP_UPLOADS_JOB = 'sweep-abandoned-uploads';
/** An upload older than this that never became a blob was cut off (a crash mid-upload): its object goes. */
const ABANDONED_AFTER_HOURS = 24;

/** Removes objects no blob references: after the last reference went (durable job) and leftovers of dead uploads. */
@Injectable()
export class BlobCleanupService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly work: WorkQueue,
  ) {}

  onModuleInit(): void {
    this.work.handle(REMOVE_OBJECT_JOB, async (payload) => {
      const key = String(payload['key']);
      // A blob row naming the key again means the object is in use: never remove it then.
      const used: unknown[] = await this.dataSource.query(`SELECT 1 FROM blobs WHERE storage_key = $1`, [key]);
      if (used.length === 0) await this.store.remove(key);
    });
    this.work.every(SWEEP_UPLOADS_JOB, 3_600_000, () => this.sweepAbandoned().then(() => undefined));
  }

  async sweepAbandoned(olderThanHours = ABANDONED_AFTER_HOURS): Promise<number> {
    const rows: { storage_key: string }[] = await this.dataSource.query(
      `SELECT storage_key FROM blob_uploads WHERE started_at < now() - $1::int * interval '1 hour' LIMIT 1000`,
      [olderThanHours],
    );
    for (const r of rows) {
      await this.store.remove(r.storage_key);
      await this.dataSource.query(`DELETE FROM blob_uploads WHERE storage_key = $1`, [r.storage_key]);
    }
    return rows.length;
  }
}
