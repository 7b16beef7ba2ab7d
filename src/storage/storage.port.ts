import { Readable } from 'node:stream';

export interface StoredFile {
  key: string;
  sizeBytes: number;
  sha256: string;
  /** The first bytes, for recognising the file by its content. */
  head: Buffer;
}

/**
 * Where files live (uploaded attachments; the letters and PDF documents to come). A port, so object storage can
 * replace the disk without touching the callers; the local driver (LocalFileStorage) serves the embedded default and
 * a single-node production alike.
 */
export abstract class FileStorage {
  /** Streams the source into storage, hashing on the way: memory use does not grow with the file. */
  abstract write(source: Readable): Promise<StoredFile>;
  abstract read(key: string): Readable;
  /** Bytes [start, end) of a stored file. */
  abstract readRange(key: string, start: number, end: number): Promise<Buffer>;
  abstract remove(key: string): Promise<void>;
}
