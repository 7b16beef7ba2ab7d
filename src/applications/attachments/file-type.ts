import { ApplicationErrors as E } from '../applications.errors';
/**
 * Attachments are recognised by their bytes, never by name or Content-Type: PDF (%PDF- and an %%EOF trailer), Office Open XML (a ZIP
 * whose directory holds [Content_Types].xml and a word/, xl/ or ppt/ part) and legacy Office (OLE2 compound file).
 * A file whose content is not what its name claims is refused.
 */
export const FILE_TYPES = ['pdf', 'docx', 'xlsx', 'pptx', 'doc', 'xls', 'ppt'] as const;
export type FileType = (typeof FILE_TYPES)[number];

export const CONTENT_TYPES: Record<FileType, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};

const LABELS: Record<Detected, string> = {
  pdf: 'a PDF document',
  docx: 'a Word document (docx)',
  xlsx: 'an Excel workbook (xlsx)',
  pptx: 'a PowerPoint presentation (pptx)',
  ole2: 'a legacy Office document (doc/xls/ppt)',
};

/** What the bytes are; legacy Office formats share one container and are told apart by name only. */
export type Detected = 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'ole2';

const PDF = Buffer.from('%PDF-');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** A PDF ends with %%EOF, which readers look for in the last 1024 bytes: "%PDF-" followed by anything is not one. */
const PDF_EOF = Buffer.from('%%EOF');
const PDF_TAIL_BYTES = 1024;
/** Enough of the tail to hold the ZIP end-of-central-directory record with the longest comment. */
export const ZIP_TAIL_BYTES = 22 + 0xffff;
/** A directory larger than this is not an Office document we accept. */
const MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024;

export async function detectContent(
  head: Buffer,
  size: number,
  readRange: (start: number, end: number) => Promise<Buffer>,
): Promise<Detected | null> {
  if (head.subarray(0, PDF.length).equals(PDF))
    return (await readRange(Math.max(0, size - PDF_TAIL_BYTES), size)).includes(PDF_EOF) ? 'pdf' : null;
  if (head.subarray(0, OLE2.length).equals(OLE2)) return 'ole2';
  if (!head.subarray(0, ZIP.length).equals(ZIP)) return null;
  const names = await zipEntryNames(size, readRange);
  if (!names?.includes('[Content_Types].xml')) return null;
  if (names.some((n) => n.startsWith('word/'))) return 'docx';
  if (names.some((n) => n.startsWith('xl/'))) return 'xlsx';
  if (names.some((n) => n.startsWith('ppt/'))) return 'pptx';
  return null;
}

/** The entry names of a ZIP's central directory, or null when it is not a readable ZIP. */
export async function zipEntryNames(size: number, readRange: (start: number, end: number) => Promise<Buffer>): Promise<string[] | null> {
  const tailStart = Math.max(0, size - ZIP_TAIL_BYTES);
  const tail = await readRange(tailStart, size);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdSize > MAX_CENTRAL_DIRECTORY || cdOffset + cdSize > size) return null;
  const cd = await readRange(cdOffset, cdOffset + cdSize);
  const names: string[] = [];
  let p = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) return null;
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    names.push(cd.toString('utf8', p + 46, p + 46 + nameLength));
    p += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

export type Classification =
  | { ok: true; fileType: FileType }
  | { ok: false; code: typeof E.UNSUPPORTED_FILE_TYPE | typeof E.CONTENT_DOES_NOT_MATCH_NAME; message: string };

/** Name and content must agree, and both must be a type we take. */
export function classify(filename: string, detected: Detected | null): Classification {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1].toLowerCase() ?? '';
  const accepted = FILE_TYPES.map((t) => `.${t}`).join(', ');
  if (!(FILE_TYPES as readonly string[]).includes(ext)) {
    return { ok: false, code: E.UNSUPPORTED_FILE_TYPE, message: `${filename} is not a PDF or Office document; accepted are ${accepted}` };
  }
  const claimed = ext as FileType;
  if (!detected)
    return {
      ok: false,
      code: E.CONTENT_DOES_NOT_MATCH_NAME,
      message: `${filename} is named .${claimed}, but its content is not a PDF or Office document`,
    };
  const matches = detected === 'ole2' ? ['doc', 'xls', 'ppt'].includes(claimed) : detected === claimed;
  if (!matches)
    return {
      ok: false,
      code: E.CONTENT_DOES_NOT_MATCH_NAME,
      message: `${filename} is named .${claimed}, but its content is ${LABELS[detected]}`,
    };
  return { ok: true, fileType: claimed };
}
