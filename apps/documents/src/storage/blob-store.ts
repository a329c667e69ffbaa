import type { Readable, Writable } from 'node:stream';

/** A byte range, both ends included (as in HTTP Range). */
export interface ByteRange {
  start: number;
  end: number;
}

/** An object being written: the bytes go to `sink`; `finished` settles once they are durably stored. */
export interface BlobWrite {
  key: string;
  sink: Writable;
  finished: Promise<void>;
  /** Stops the write and removes whatever was stored. */
  abort(): Promise<void>;
}

/**
 * Where blob bytes live. Keys are opaque and unique per upload (never the
 * sha-256, so a duplicate being dropped can never remove the kept copy).
 */
export interface BlobStore {
  readonly driver: 'local' | 's3';
  write(key: string): Promise<BlobWrite>;
  read(key: string, range?: ByteRange): Promise<Readable>;
  remove(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Cheap check for readiness. */
  check(): Promise<void>;
}

export const BLOB_STORE = Symbol('crm:documents-blob-store');
