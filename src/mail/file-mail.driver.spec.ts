import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMailDriver } from './file-mail.driver';

describe('file mail driver: leftovers of a killed process', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hto-mail-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('removes the half-written .eml.part files a stopped process left, keeps whole mails and one being written now', async () => {
    const old = new Date(Date.now() - 10 * 60_000);
    for (const name of ['a.eml.part', 'b.eml.part', 'whole.eml', 'writing-now.eml.part']) writeFileSync(join(dir, name), 'x');
    for (const name of ['a.eml.part', 'b.eml.part', 'whole.eml']) utimesSync(join(dir, name), old, old);
    const removed = await new FileMailDriver(dir, 'noreply@example.no').removeLeftovers();
    expect(removed.sort()).toEqual(['a.eml.part', 'b.eml.part']);
    expect(readdirSync(dir).sort()).toEqual(['whole.eml', 'writing-now.eml.part']);
  });

  it('does nothing when the folder does not exist yet', async () => {
    expect(await new FileMailDriver(join(dir, 'missing'), 'noreply@example.no').removeLeftovers()).toEqual([]);
  });
});
