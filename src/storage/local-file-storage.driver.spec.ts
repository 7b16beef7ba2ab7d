import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { LocalFileStorage } from './local-file-storage.driver';

describe('file storage: local disk driver', () => {
  let root: string;
  let storage: LocalFileStorage;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hto-storage-'));
    storage = new LocalFileStorage(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes a stream in chunks, hashing it, and reads it back whole and by range', async () => {
    const body = 'Søknad om tilskot frå Helseteknologiordninga\n'.repeat(1000);
    const bytes = Buffer.from(body);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 4096) }, (_, i) => bytes.subarray(i * 4096, (i + 1) * 4096));
    const stored = await storage.write(Readable.from(chunks));
    expect(stored.key).toMatch(/^\d{4}\/\d{2}\/[0-9a-f-]{36}$/);
    expect(stored.sizeBytes).toBe(Buffer.byteLength(body));
    expect(stored.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(stored.head).toEqual(Buffer.from(body).subarray(0, 16));
    expect(await text(storage.read(stored.key))).toBe(body);
    // bytes, not characters: "ø" is two
    expect((await storage.readRange(stored.key, 0, 6)).toString()).toBe('Søkna');
    // past the end: what there is
    expect(await storage.readRange(stored.key, stored.sizeBytes - 2, stored.sizeBytes + 100)).toEqual(Buffer.from('a\n'));
    await storage.remove(stored.key);
    await expect(text(storage.read(stored.key))).rejects.toThrow(/ENOENT/);
    await storage.remove(stored.key); // removing twice is not an error
  });

  it('leaves no partial file behind when the source fails', async () => {
    async function* failing() {
      yield Buffer.from('half a file');
      throw new Error('client went away');
    }
    await expect(storage.write(Readable.from(failing()))).rejects.toThrow('client went away');
    const now = new Date();
    const month = join(root, String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'));
    expect(existsSync(month) ? readdirSync(month) : []).toEqual([]);
  });

  it('refuses a key that would leave the storage root', async () => {
    expect(() => storage.read('../../etc/passwd')).toThrow(/escapes the storage root/);
    await expect(storage.readRange('2026/../../outside', 0, 10)).rejects.toThrow(/escapes the storage root/);
    await expect(storage.remove('2026/../..')).rejects.toThrow(/escapes the storage root/);
  });
});
