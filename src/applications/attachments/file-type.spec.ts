import { classify, detectContent, zipEntryNames } from './file-type';
import { officeZip, pdfBytes } from '../../../test/support/fixtures';

const detect = (buf: Buffer) => detectContent(buf.subarray(0, 16), buf.length, async (s, e) => buf.subarray(s, e));

describe('attachment types by content', () => {
  it('recognises PDF, OOXML (by its directory) and OLE2', async () => {
    expect(await detect(Buffer.from('%PDF-1.7\n...\n%%EOF\n'))).toBe('pdf');
    expect(await detect(pdfBytes(5000))).toBe('pdf');
    expect(await detect(officeZip(['[Content_Types].xml', 'word/document.xml']))).toBe('docx');
    expect(await detect(officeZip(['[Content_Types].xml', 'xl/workbook.xml']))).toBe('xlsx');
    expect(await detect(officeZip(['[Content_Types].xml', 'ppt/presentation.xml']))).toBe('pptx');
    expect(await detect(Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]))).toBe('ole2');
  });

  it('does not take a plain ZIP, a PNG or text for an Office document', async () => {
    expect(await detect(officeZip(['photos/cat.jpg']))).toBeNull();
    expect(await detect(officeZip(['word/document.xml']))).toBeNull();
    expect(await detect(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBeNull();
    expect(await detect(Buffer.from('PK\u0003\u0004 but truncated'))).toBeNull();
    // a PDF header followed by anything else (here an executable) is not a PDF, nor one whose trailer is cut off
    expect(await detect(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('MZ\x90\x00'), Buffer.alloc(4096)]))).toBeNull();
    expect(await detect(Buffer.concat([pdfBytes(3000), Buffer.alloc(2000)]))).toBeNull();
    expect(await zipEntryNames(4, async () => Buffer.from('PK\u0003\u0004'))).toBeNull();
  });

  it('requires the name to agree with the content', () => {
    expect(classify('plan.pdf', 'pdf')).toEqual({ ok: true, fileType: 'pdf' });
    expect(classify('Budsjett.XLSX', 'xlsx')).toEqual({ ok: true, fileType: 'xlsx' });
    expect(classify('gammel.xls', 'ole2')).toEqual({ ok: true, fileType: 'xls' });
    expect(classify('plan.pdf', 'docx')).toEqual({
      ok: false,
      code: 'CONTENT_DOES_NOT_MATCH_NAME',
      message: 'plan.pdf is named .pdf, but its content is a Word document (docx)',
    });
    expect(classify('plan.docx', null)).toEqual({
      ok: false,
      code: 'CONTENT_DOES_NOT_MATCH_NAME',
      message: 'plan.docx is named .docx, but its content is not a PDF or Office document',
    });
    expect(classify('virus.exe', 'pdf')).toMatchObject({ ok: false, code: 'UNSUPPORTED_FILE_TYPE' });
    expect(classify('noextension', 'pdf')).toMatchObject({ ok: false, code: 'UNSUPPORTED_FILE_TYPE' });
  });
});
