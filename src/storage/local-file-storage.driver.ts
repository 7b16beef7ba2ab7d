import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStorage, StoredFile } from './storage.port';

const HEAD_BYTES = 16;

/** Files on the local disk under one root: the embedded default and a single-node production alike. */
export class LocalFileStorage extends FileStorage {
  constructor(private readonly root: string) {
    super();
  }

  async write(source: Readable): Promise<StoredFile> {
    const now = new Date();
    const key = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${randomUUID()}`;
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, tap, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    } catch (e) {
      await rm(path, { force: true });
      throw e;
    }
    return { key, sizeBytes: size, sha256: hash.digest('hex'), head };
  }

  read(key: string): Readable {
    return createReadStream(this.path(key));
  }

  async readRange(key: string, start: number, end: number): Promise<Buffer> {
    const fh = await open(this.path(key), 'r');
    try {
      const buf = Buffer.alloc(Math.max(0, end - start));
      const { bytesRead } = await fh.read(buf, 0, buf.length, start);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /** Keys are ours (year/month/uuid), but a key never leaves the root however it is spelled. */
  private path(key: string): string {
    const root = resolve(this.root);
    const p = resolve(join(root, key));
    if (!p.startsWith(root + sep)) throw new Error(`storage key ${key} escapes the storage root`);
    return p;
  }
}
