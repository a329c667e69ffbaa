import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, BlobWrite, ByteRange } from './blob-store';

const KEY = /^[a-z0-9][a-z0-9/_-]{0,200}$/;

async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

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
    // Durable before the version is committed: the file's bytes are flushed (fsync) as it closes, and
    // its folder afterwards, so a crash cannot leave a version row whose blob is empty or missing.
    const sink = createWriteStream(path, { flags: 'wx', flush: true });
    const closed = new Promise<void>((done, fail) => {
      sink.once('finish', () => sink.once('close', () => done()));
      sink.once('error', fail);
    });
    const finished = closed.then(() => syncFolder(dirname(path)));
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
