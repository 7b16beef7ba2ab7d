import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

type Callback = (err: Error | null, result?: unknown) => void;

/**
 * A dump file as PGlite loads it, without copying it into a Blob: PGlite only reads it once, with arrayBuffer(), and
 * on Node 20 both building a Blob of a 40 MB dump and reading it back take a noticeable part of a second, at every
 * test file's start. Anything else PGlite might call on it is missing and fails loudly.
 */
function tarball(file: string): Blob {
  const bytes = readFileSync(file);
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const arrayBuffer = async () => (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { type: '', size: bytes.byteLength, arrayBuffer } as unknown as Blob;
}

/**
 * A `pg`-shaped driver over one embedded PGlite instance.
 *
 * PGlite has a single session. typeorm-pglite hands that session to every query runner at once,
 * so two concurrent transactions interleave and one's ROLLBACK undoes the other's work. This pool
 * instead lends the session to one query runner at a time: a transaction holds it until it commits.
 */
export function pgliteDriver(dataDir: string, opts: { snapshot?: string } = {}) {
  let instance: Promise<PGlite> | undefined;
  // a snapshot (a data-directory tarball from PGlite's dumpDataDir) starts the database as it was: tests start every
  // file from one migrated database instead of migrating each anew
  const getInstance = () =>
    (instance ??= opts.snapshot ? PGlite.create(dataDir, { loadDataDir: tarball(opts.snapshot) }) : PGlite.create(dataDir));

  class Client extends EventEmitter {
    async query(sql: string, params?: unknown[] | Callback, cb?: Callback) {
      if (typeof params === 'function') {
        cb = params;
        params = undefined;
      }
      const db = await getInstance();
      try {
        const result =
          Array.isArray(params) && params.length > 0
            ? await db.query(sql, params as unknown[])
            : await db.exec(sql).then((rs) => rs[rs.length - 1] ?? { rows: [], fields: [] });
        const shaped = { ...result, rowCount: (result as { affectedRows?: number }).affectedRows ?? result.rows.length };
        cb?.(null, shaped);
        return shaped;
      } catch (e) {
        cb?.(e as Error);
        if (!cb) throw e;
      }
    }
  }

  class Pool extends EventEmitter {
    private busy = false;
    private waiting: Array<() => void> = [];
    private readonly client = new Client();

    connect(cb: (err: Error | null, client?: Client, release?: (err?: unknown) => void) => void) {
      const grant = () => {
        this.busy = true;
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          const next = this.waiting.shift();
          if (next) next();
          else this.busy = false;
        };
        getInstance().then(
          () => cb(null, this.client, release),
          (e) => {
            release();
            cb(e as Error);
          },
        );
      };
      if (!this.busy) grant();
      else this.waiting.push(grant);
    }

    query(sql: string, params?: unknown[] | Callback, cb?: Callback) {
      return this.client.query(sql, params, cb);
    }

    end(cb?: (err?: Error | null) => void) {
      const closing = instance ? instance.then((db) => db.close()) : Promise.resolve();
      instance = undefined;
      closing.then(
        () => cb?.(null),
        (e) => cb?.(e as Error),
      );
    }
  }

  return { Pool };
}
