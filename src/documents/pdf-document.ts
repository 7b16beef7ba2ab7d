import { Parser } from 'htmlparser2';
import PDFDocument from 'pdfkit';

/**
 * Letters are archived documents (Noark 5 wants PDF/A): this lays out the HTML that a letter template renders as a
 * PDF/A-2b document with pdfkit, in-process, with the DejaVu fonts embedded (æ, ø, å and the no-break spaces of
 * "1 250 000 kr" render as written). One template gives both formats: the HTML a browser shows and this PDF.
 *
 * The HTML is the small, known vocabulary the letter templates use: h1–h3, p, ul/ol with li, table rows of two
 * cells (label, value), strong/b, em/i, br, hr. Anything else is laid out as its text; script and style are dropped.
 */
export interface PdfMeta {
  title: string;
  author?: string;
  subject?: string;
  /** BCP 47, e.g. nb-NO or nn-NO. */
  language: string;
  /** Fixed for reproducible bytes (the archive's hash of the same letter stays the same); defaults to now. */
  createdAt?: Date;
}

const FONT_DIR = 'dejavu-fonts-ttf/ttf';
const FONTS = {
  regular: require.resolve(`${FONT_DIR}/DejaVuSans.ttf`),
  bold: require.resolve(`${FONT_DIR}/DejaVuSans-Bold.ttf`),
  italic: require.resolve(`${FONT_DIR}/DejaVuSans-Oblique.ttf`),
  boldItalic: require.resolve(`${FONT_DIR}/DejaVuSans-BoldOblique.ttf`),
};

type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; runs: Run[] }
  | { kind: 'paragraph'; runs: Run[] }
  | { kind: 'item'; marker: string; runs: Run[] }
  | { kind: 'row'; cells: Run[][] }
  | { kind: 'rule' };

interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
}

/** Turns the letter HTML into blocks of styled text runs. */
export function letterBlocks(html: string): Block[] {
  const blocks: Block[] = [];
  let runs: Run[] = [];
  let cells: Run[][] | null = null;
  let bold = 0;
  let italic = 0;
  let skip = 0;
  const lists: Array<{ ordered: boolean; n: number }> = [];
  let pending: { kind: 'heading'; level: 1 | 2 | 3 } | { kind: 'item'; marker: string } | null = null;

  const flush = () => {
    const trimmed = trimRuns(runs);
    runs = [];
    if (cells) {
      cells.push(trimmed);
      return;
    }
    if (!trimmed.length) return;
    const kind = pending ?? { kind: 'paragraph' };
    blocks.push({ ...kind, runs: trimmed } as Block);
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'script' || name === 'style' || name === 'head' || name === 'title') skip++;
        else if (name === 'strong' || name === 'b') bold++;
        else if (name === 'em' || name === 'i') italic++;
        else if (name === 'br') runs.push({ text: '\n', bold: false, italic: false });
        else if (name === 'hr') {
          flush();
          blocks.push({ kind: 'rule' });
        } else if (/^h[1-6]$/.test(name)) {
          flush();
          pending = { kind: 'heading', level: Math.min(3, Number(name[1])) as 1 | 2 | 3 };
        } else if (name === 'ul' || name === 'ol') {
          flush();
          lists.push({ ordered: name === 'ol', n: 0 });
        } else if (name === 'li') {
          flush();
          const list = lists[lists.length - 1];
          const marker = list?.ordered ? `${++list.n}.` : '•';
          pending = { kind: 'item', marker };
        } else if (name === 'tr') {
          flush();
          cells = [];
        } else if (name === 'td' || name === 'th') {
          runs = [];
          if (name === 'th') bold++;
        } else if (name === 'p' || name === 'div' || name === 'section' || name === 'address') {
          flush();
          pending = null;
        }
      },
      ontext(text) {
        if (skip) return;
        const folded = text.replace(/[ \t\r\n\f]+/g, ' ');
        if (folded) runs.push({ text: folded, bold: bold > 0, italic: italic > 0 });
      },
      onclosetag(name) {
        if (name === 'script' || name === 'style' || name === 'head' || name === 'title') skip = Math.max(0, skip - 1);
        else if (name === 'strong' || name === 'b') bold = Math.max(0, bold - 1);
        else if (name === 'em' || name === 'i') italic = Math.max(0, italic - 1);
        else if (name === 'td' || name === 'th') {
          if (name === 'th') bold = Math.max(0, bold - 1);
          cells?.push(trimRuns(runs));
          runs = [];
        } else if (name === 'tr') {
          if (cells?.some((c) => c.length)) blocks.push({ kind: 'row', cells });
          cells = null;
        } else if (/^h[1-6]$/.test(name) || name === 'li' || name === 'p' || name === 'div' || name === 'section' || name === 'address') {
          flush();
          pending = null;
        } else if (name === 'ul' || name === 'ol') {
          flush();
          lists.pop();
          pending = null;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return blocks;
}

function trimRuns(runs: Run[]): Run[] {
  const out = runs.filter((r) => r.text.length > 0).map((r) => ({ ...r }));
  while (out.length && !out[0].text.trim() && out[0].text !== '\n') out.shift();
  while (out.length && !out[out.length - 1].text.trim()) out.pop();
  if (out.length) {
    out[0].text = out[0].text.replace(/^ +/, '');
    out[out.length - 1].text = out[out.length - 1].text.replace(/ +$/, '');
  }
  return out;
}

/** Renders letter HTML to a PDF/A-2b document (fonts embedded, XMP metadata, tagged, language set). */
export function renderPdfA(html: string, meta: PdfMeta): Promise<Buffer> {
  const doc = new PDFDocument({
    subset: 'PDF/A-2b',
    pdfVersion: '1.7',
    tagged: true,
    lang: meta.language,
    displayTitle: true,
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 64, right: 64 },
    info: {
      Title: meta.title,
      Author: meta.author ?? 'Helseteknologiordningen',
      Subject: meta.subject ?? meta.title,
      Creator: 'Helseteknologiordningen saksbehandling',
      CreationDate: meta.createdAt ?? new Date(),
      ModDate: meta.createdAt ?? new Date(),
    },
  });
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  doc.registerFont('italic', FONTS.italic);
  doc.registerFont('boldItalic', FONTS.boldItalic);

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const fontOf = (r: Run) => (r.bold && r.italic ? 'boldItalic' : r.bold ? 'bold' : r.italic ? 'italic' : 'regular');
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const writeRuns = (runs: Run[], opts: { x?: number; width?: number; size: number }) => {
    runs.forEach((r, i) => {
      doc.font(fontOf(r)).fontSize(opts.size);
      const last = i === runs.length - 1;
      if (i === 0 && opts.x !== undefined) doc.text(r.text, opts.x, doc.y, { width: opts.width, continued: !last });
      else doc.text(r.text, { width: opts.width, continued: !last });
    });
  };

  for (const block of letterBlocks(html)) {
    const left = doc.page.margins.left;
    switch (block.kind) {
      case 'heading':
        doc.moveDown(block.level === 1 ? 0.2 : 0.6);
        writeRuns(
          block.runs.map((r) => ({ ...r, bold: true })),
          { x: left, width, size: block.level === 1 ? 16 : block.level === 2 ? 13 : 11.5 },
        );
        doc.moveDown(0.3);
        break;
      case 'paragraph':
        writeRuns(block.runs, { x: left, width, size: 10.5 });
        doc.moveDown(0.5);
        break;
      case 'item': {
        const y = doc.y;
        doc
          .font('regular')
          .fontSize(10.5)
          .text(block.marker, left + 6, y, { width: 18 });
        doc.y = y;
        writeRuns(block.runs, { x: left + 24, width: width - 24, size: 10.5 });
        doc.moveDown(0.2);
        break;
      }
      case 'row': {
        const y = doc.y;
        const [label, ...rest] = block.cells;
        doc.font('bold').fontSize(10.5);
        writeRuns(
          label.map((r) => ({ ...r, bold: true })),
          { x: left, width: width * 0.35, size: 10.5 },
        );
        const afterLabel = doc.y;
        doc.y = y;
        writeRuns(rest.flat(), { x: left + width * 0.37, width: width * 0.63, size: 10.5 });
        doc.y = Math.max(doc.y, afterLabel);
        doc.moveDown(0.2);
        break;
      }
      case 'rule':
        doc.moveDown(0.3);
        doc
          .moveTo(left, doc.y)
          .lineTo(left + width, doc.y)
          .lineWidth(0.5)
          .stroke();
        doc.moveDown(0.5);
        break;
    }
  }
  doc.end();
  return done;
}
