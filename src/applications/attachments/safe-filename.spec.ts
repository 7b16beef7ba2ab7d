import { safeFilename } from './attachments.service';

describe('safeFilename: the name as the user sees it', () => {
  it('keeps an ordinary name, Norwegian letters and spaces included', () => {
    expect(safeFilename('Søknad om tilskudd – Ålesund.pdf')).toBe('Søknad om tilskudd – Ålesund.pdf');
  });

  it('drops any path a client put in front', () => {
    expect(safeFilename('C:\\Users\\ola\\budsjett.xlsx')).toBe('budsjett.xlsx');
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
  });

  it('drops control characters: NUL, line breaks, tab, DEL and the C1 range', () => {
    expect(safeFilename('bud\u0000sj\r\nett\t.pdf\u007f')).toBe('budsjett.pdf');
    expect(safeFilename('\u0085plan\u009b.pdf')).toBe('plan.pdf');
  });

  it('names a file with nothing left "vedlegg", and keeps at most 255 characters', () => {
    expect(safeFilename(undefined)).toBe('vedlegg');
    expect(safeFilename(' \u0001 ')).toBe('vedlegg');
    expect(safeFilename('a'.repeat(300))).toHaveLength(255);
  });
});
