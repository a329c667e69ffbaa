import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, BlobWrite, ByteRange } from './blob-store';

const KEY = /^[a-z0-9][a-z0-9/_-]{0,200}$/;

/** Blobs as files under one folder (the default: `npm start` needs nothing else). */
export class LocalDiskStore implements BlobStore {
  readonly driver = 'local' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    if (!KEY.test(key) || key.includes('..')) throw new Error(`not a blob key: ${key}`);
    return join(this.root, key);
  }

  async write(key: string): Promise<BlobWrite> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const sink = createWriteStream(path, { flags: 'wx' });
    const finished = new Promise<void>((done, fail) => {
      sink.once('finish', () => sink.once('close', () => done()));
      sink.once('error', fail);
    });
    finished.catch(() => undefined);
    return {
      key,
      sink,
      finished,
      abort: async () => {
        sink.destroy();
        await rm(path, { force: true });
      },
    };
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.path(key);
    await access(path);
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.path(key));
      return true;
    } catch {
      return false;
    }
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root);
  }
}
