import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { formatOsloIso } from '../common/oslo-time';
import { kronerWithTwoDecimals } from '../grants/payments/payment-exports.service';

/**
 * The insights as files for spreadsheets and scripts. One table per file for CSV (the endpoint's main table), every
 * table as its own sheet for XLSX, and always what was asked and when:
 *
 *   CSV, `?format=csv` (dialect `intl`, the default): UTF-8 without BOM, comma-separated, CRLF, decimal point,
 *     RFC 4180 quoting. CSV, `?format=csv&dialect=no`: for Norwegian spreadsheets (Excel, LibreOffice in nb-NO):
 *     UTF-8 with a BOM (so Excel reads it as UTF-8), semicolon-separated, decimal comma.
 *   Both begin with a header block of lines whose first field starts with `#`: `#report`, `#extractedAt` (ISO 8601,
 *     Europe/Oslo offset) and one `#filter.<name>` line per filter (`(none)` when unset), then the header row and
 *     the data. A spreadsheet shows the block as rows above the table; csv-parse (`comment: '#'`), pandas
 *     (`comment='#'`) and R (`comment.char = '#'`) skip it.
 *   Money is in kroner with two decimals (column names end in `_nok`), as the payment export writes it; counts are
 *     whole numbers; percentages and indicator values are decimals.
 *   XLSX: a sheet `Metadata` (report, extractedAt, each filter) first, then one sheet per table, header row first;
 *     money as numbers of kroner shown with two decimals.
 */
export type ColumnType = 'text' | 'int' | 'ore' | 'decimal' | 'bool';

export interface ExportColumn<R> {
  header: string;
  type: ColumnType;
  value: (row: R) => string | number | boolean | null | undefined;
}

export interface ExportTable<R = any> {
  /** the sheet's name (≤ 31 characters) */
  name: string;
  columns: ExportColumn<R>[];
  rows: readonly R[];
}

export interface ExportMeta {
  report: string;
  extractedAt: Date;
  filters: Record<string, string | number | undefined>;
}

export type CsvDialect = 'intl' | 'no';

function metaLines(meta: ExportMeta): Array<[string, string]> {
  return [
    ['#report', meta.report],
    ['#extractedAt', formatOsloIso(meta.extractedAt)],
    ...Object.entries(meta.filters).map(([k, v]): [string, string] => [`#filter.${k}`, v === undefined ? '(none)' : String(v)]),
  ];
}

function csvCell(type: ColumnType, v: unknown, dialect: CsvDialect): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (type === 'ore') s = kronerWithTwoDecimals(Number(v));
  else if (type === 'bool') s = v ? 'true' : 'false';
  else s = String(v);
  return dialect === 'no' && (type === 'ore' || type === 'decimal') ? s.replace('.', ',') : s;
}

export function toCsv<R>(table: ExportTable<R>, meta: ExportMeta, dialect: CsvDialect): Buffer {
  const delimiter = dialect === 'no' ? ';' : ',';
  const head = stringify(metaLines(meta), { delimiter, record_delimiter: 'windows' });
  const body = stringify(
    table.rows.map((r) => table.columns.map((c) => csvCell(c.type, c.value(r), dialect))),
    { header: true, columns: table.columns.map((c) => c.header), delimiter, record_delimiter: 'windows' },
  );
  const text = head + body;
  return Buffer.from(dialect === 'no' ? '\ufeff' + text : text, 'utf8');
}

function xlsxCell(type: ColumnType, v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  // a spreadsheet number is a double: øre / 100 of a safe integer reads back exactly (× 100, rounded)
  if (type === 'ore') return Number(v) / 100;
  if (type === 'int') return Number(v);
  if (type === 'decimal') return Number(v);
  if (type === 'bool') return Boolean(v);
  return String(v);
}

export async function toXlsx(tables: ExportTable[], meta: ExportMeta): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Helseteknologiordningen';
  wb.created = meta.extractedAt;
  wb.modified = meta.extractedAt;
  const ms = wb.addWorksheet('Metadata');
  ms.columns = [
    { header: 'key', key: 'key', width: 24 },
    { header: 'value', key: 'value', width: 48 },
  ];
  for (const [k, v] of metaLines(meta)) ms.addRow([k.replace(/^#/, ''), v]);
  for (const t of tables) {
    const ws = wb.addWorksheet(t.name.slice(0, 31));
    ws.columns = t.columns.map((c) => ({ header: c.header, key: c.header, width: Math.max(12, Math.min(40, c.header.length + 2)) }));
    for (const r of t.rows) ws.addRow(t.columns.map((c) => xlsxCell(c.type, c.value(r))));
    t.columns.forEach((c, i) => {
      if (c.type === 'ore') ws.getColumn(i + 1).numFmt = '#,##0.00';
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
