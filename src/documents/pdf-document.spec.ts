import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { letterBlocks, renderPdfA } from './pdf-document';

/** Reads a PDF back with pdf.js in its own process (an ES module Jest cannot load). */
function readPdf(pdf: Buffer): { pages: number; text: string; info: Record<string, unknown>; pdfaPart: string; pdfaConformance: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hto-pdf-'));
  try {
    writeFileSync(join(dir, 'doc.pdf'), pdf);
    const out = execFileSync(process.execPath, [join(__dirname, '..', '..', 'test', 'support', 'pdf-read.mjs'), join(dir, 'doc.pdf')]);
    return JSON.parse(String(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const LETTER = `<!doctype html><html lang="nn"><head><title>Vedtak</title><style>p{}</style></head><body>
<h1>Vedtak om tilskot</h1>
<table><tr><td>Saksnummer</td><td>2026/00042</td></tr><tr><td>Beløp</td><td><strong>1&nbsp;250&nbsp;000&nbsp;kr</strong></td></tr></table>
<p>Helsedirektoratet gjev <em>Ålesund</em>, Ørsta og Bø tilskot.</p>
<h2>Vilkår</h2><ol><li>Rapport kvart år.</li><li>Riksrevisjonen kan kontrollere.</li></ol>
<ul><li>Klagefrist: 7. april 2026</li></ul><hr><p>Med helsing<br>Saksbehandlar</p><script>alert(1)</script>
</body></html>`;

describe('letters as PDF/A', () => {
  it('lays the letter HTML out as headings, rows, paragraphs and list items, dropping head, style and script', () => {
    const blocks = letterBlocks(LETTER);
    expect(blocks.map((b) => b.kind)).toEqual([
      'heading',
      'row',
      'row',
      'paragraph',
      'heading',
      'item',
      'item',
      'item',
      'rule',
      'paragraph',
    ]);
    const text = (b: (typeof blocks)[number]) =>
      'runs' in b ? b.runs.map((r) => r.text).join('') : 'cells' in b ? b.cells.map((c) => c.map((r) => r.text).join('')).join(' | ') : '';
    expect(text(blocks[2])).toBe('Beløp | 1\u00a0250\u00a0000\u00a0kr');
    expect(blocks[5]).toMatchObject({ kind: 'item', marker: '1.' });
    expect(blocks[7]).toMatchObject({ kind: 'item', marker: '•' });
    expect(text(blocks[9])).toBe('Med helsing\nSaksbehandlar');
    expect(JSON.stringify(blocks)).not.toContain('alert');
  });

  it('renders a PDF/A-2b document that a PDF reader parses, with the text as written (æ, ø, å, no-break spaces)', async () => {
    const pdf = await renderPdfA(LETTER, {
      title: 'Vedtak om tilskot 2026/00042',
      language: 'nn-NO',
      createdAt: new Date('2026-03-16T11:00:00Z'),
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const read = readPdf(pdf);
    expect(read.pdfaPart).toBe('2');
    expect(read.pdfaConformance).toBe('B');
    expect(read.info).toMatchObject({ Title: 'Vedtak om tilskot 2026/00042', Language: 'nn-NO' });
    const text = read.text.replace(/\s+/g, ' ');
    expect(text).toContain('2026/00042');
    expect(text).toContain('1 250 000 kr');
    expect(text).toContain('Ålesund, Ørsta og Bø');
    expect(text).toContain('Klagefrist: 7. april 2026');
    // the fonts are embedded (PDF/A forbids relying on the reader's fonts)
    expect(pdf.toString('latin1')).toMatch(/\/FontFile2/);
  });

  it('gives the same bytes for the same letter and time, so the archived hash can be checked again', async () => {
    const meta = { title: 'Vedtak', language: 'nb-NO', createdAt: new Date('2026-03-16T11:00:00Z') };
    const [a, b] = await Promise.all([renderPdfA(LETTER, meta), renderPdfA(LETTER, meta)]);
    expect(a.equals(b)).toBe(true);
  });
});
