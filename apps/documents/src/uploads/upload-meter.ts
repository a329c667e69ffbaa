import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { reclaimStreamBuffers } from '@crm/platform';
import { SNIFF_BYTES } from './media-type';

export class UploadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The file is larger than ${limit} bytes`);
    this.name = 'UploadTooLargeError';
  }
}

/**
 * Passes a file's bytes through while hashing (sha-256) and counting them,
 * failing past the limit. The first SNIFF_BYTES are held back until
 * `inspect` has seen them, so a refused file never reaches the store.
 */
export class UploadMeter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  head: Buffer = Buffer.alloc(0);
  private held: Buffer[] = [];
  private inspected = false;
  private readonly reclaim = reclaimStreamBuffers();

  constructor(
    private readonly limit: number,
    private readonly inspect: (head: Buffer, complete: boolean) => Promise<void>,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    this.reclaim(chunk.length);
    if (this.size > this.limit) return callback(new UploadTooLargeError(this.limit));
    this.hash.update(chunk);
    if (this.inspected) return callback(null, chunk);
    this.held.push(chunk);
    if (this.size < SNIFF_BYTES) return callback();
    this.release(false, callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.inspected) return callback();
    this.release(true, callback);
  }

  private release(complete: boolean, callback: TransformCallback): void {
    const all = Buffer.concat(this.held);
    this.held = [];
    this.head = all.subarray(0, SNIFF_BYTES);
    this.inspect(this.head, complete).then(
      () => {
        this.inspected = true;
        callback(null, all);
      },
      (error: unknown) => callback(error as Error),
    );
  }

  private digest?: string;

  /** The hex sha-256 of everything that passed; read once the stream has ended. */
  get sha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}
