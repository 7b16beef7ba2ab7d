import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../../common/actor';
import { Clock } from '../../common/clock';
import { sumOre } from '../../common/money';
import { isUuid } from '../../common/uuid';
import { DomainError } from '../../common/problem';
import { IdempotentRequest, IdempotentResult, once } from '../../database/idempotency';
import { sqlOre } from '../../database/sql-numbers';
import { FileStorage } from '../../storage/storage.port';
import { WorkflowEngine } from '../../workflow/workflow';
import { PaymentPolicy } from './payment.policy';
import { PaymentWorkflow } from './payment.workflow';
import { PaymentErrors as E } from './payments.errors';
import {
  exportFilesRow,
  exportLineRows,
  exportRow,
  insertExport,
  insertExportLine,
  latestExportIds,
  lockApprovedPayments,
  lockPaymentExports,
  nextExportNumber,
} from './payments.queries';

/** The columns of the batch, as the accounting system reads them (CSV header row and XLSX first row alike). */
export const EXPORT_COLUMNS = [
  'payee_organisation_number',
  'account',
  'amount_nok',
  'payment_reference',
  'case_number',
  'tranche',
] as const;

export interface ExportLine {
  paymentId: string;
  organisationNumber: string;
  account: string;
  amountOre: number;
  reference: string;
  caseNumber: string;
  tranche: number;
}

export interface PaymentExportView {
  id: string;
  number: number;
  callId: string | null;
  paymentCount: number;
  totalOre: number;
  csvSha256: string;
  xlsxSha256: string;
  createdBy: string;
  createdAt: string;
  lines: Array<Omit<ExportLine, 'paymentId'> & { paymentId: string }>;
}

/** Whole øre → "1250000.50": kroner with two decimals, by integer arithmetic (never through a float). */
export function kronerWithTwoDecimals(ore: number): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** UTF-8 CSV with a header row (RFC 4180: comma-separated, CRLF, quoted where a field needs it), amounts as 1250000.50. */
export function exportCsv(lines: readonly ExportLine[]): Buffer {
  const text = stringify(
    lines.map((l) => [l.organisationNumber, l.account, kronerWithTwoDecimals(l.amountOre), l.reference, l.caseNumber, String(l.tranche)]),
    { header: true, columns: [...EXPORT_COLUMNS], record_delimiter: 'windows' },
  );
  return Buffer.from(text, 'utf8');
}

/**
 * The same batch as XLSX: one sheet, the header row, the numbers that identify (organisation number, account) as
 * text, the amount as a number of kroner shown with two decimals. The workbook's dates are the export's, so the file
 * depends on the batch alone.
 */
export async function exportXlsx(lines: readonly ExportLine[], createdAt: Date, batchNumber: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Helseteknologiordningen';
  wb.created = createdAt;
  wb.modified = createdAt;
  const ws = wb.addWorksheet(`Utbetalinger ${batchNumber}`);
  ws.columns = EXPORT_COLUMNS.map((c) => ({ header: c, key: c, width: c === 'payment_reference' ? 28 : 18 }));
  for (const l of lines) {
    // a spreadsheet number is a double whatever we do; øre / 100 of a safe integer reads back exactly (× 100, rounded)
    ws.addRow([l.organisationNumber, l.account, l.amountOre / 100, l.reference, l.caseNumber, l.tranche]);
  }
  ws.getColumn(3).numFmt = '0.00';
  ws.getColumn(1).numFmt = '@';
  ws.getColumn(2).numFmt = '@';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Batches for the accounting system. An export takes every approved payment (or those of one call) and marks them
 * sent in the same transaction, so a payment is never in two batches; the files are made once and stored, so a
 * batch downloads the same bytes every time.
 */
@Injectable()
export class PaymentExports {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: WorkflowEngine,
    private readonly storage: FileStorage,
    private readonly clock: Clock,
    private readonly policy: PaymentPolicy,
  ) {}

  async create(actor: Actor, dto: { callId?: string }, idem?: IdempotentRequest): Promise<IdempotentResult<PaymentExportView>> {
    return this.dataSource.transaction(async (m) => {
      const at = this.clock.now();
      return once(m, idem, at, async () => {
        if (!this.policy.filter(actor, 'attest').all) throw DomainError.forbidden();
        // one export at a time: batch numbers follow each other, and no payment is taken by two
        await lockPaymentExports(m);
        // the grants first, then the payments: the order every other payment step locks them in
        const rows = await lockApprovedPayments(m, dto.callId);
        if (!rows.length) {
          throw DomainError.unprocessable(
            E.NOTHING_TO_EXPORT,
            dto.callId ? 'No approved payment of this call awaits export.' : 'No approved payment awaits export.',
          );
        }
        const lines: ExportLine[] = rows.map((r) => ({
          paymentId: r.id,
          organisationNumber: r.payee_organisation_number,
          account: r.payee_account,
          amountOre: sqlOre(r.amount_ore),
          reference: r.reference,
          caseNumber: r.case_number,
          tranche: Number(r.tranche),
        }));
        const number = await nextExportNumber(m);
        const csv = await this.storage.write(Readable.from([exportCsv(lines)]));
        const xlsx = await this.storage.write(Readable.from([await exportXlsx(lines, at, number)]));
        const exportId = await insertExport(m, {
          number,
          callId: dto.callId ?? null,
          paymentCount: lines.length,
          totalOre: sumOre(lines.map((l) => l.amountOre)),
          csvKey: csv.key,
          csvSha256: csv.sha256,
          xlsxKey: xlsx.key,
          xlsxSha256: xlsx.sha256,
          createdBy: actor.userId,
          at,
        });
        for (const [i, l] of lines.entries()) {
          await insertExportLine(m, { exportId, position: i + 1, ...l });
          await this.engine.transition(m, PaymentWorkflow, l.paymentId, 'send', actor, {
            at,
            set: { export_id: exportId },
            details: { before: {}, after: { exportId, batch: number } },
          });
        }
        return { status: 201, body: (await exportView(m, exportId))! };
      });
    });
  }

  async get(actor: Actor, id: string): Promise<PaymentExportView> {
    this.assertReader(actor);
    const view = await exportView(this.dataSource.manager, id);
    if (!view) throw DomainError.notFound('Payment export', id);
    return view;
  }

  async list(actor: Actor): Promise<PaymentExportView[]> {
    this.assertReader(actor);
    const out: PaymentExportView[] = [];
    for (const id of await latestExportIds(this.dataSource.manager)) out.push((await exportView(this.dataSource.manager, id))!);
    return out;
  }

  /** The batch's file as it was made at the export. */
  async open(
    actor: Actor,
    id: string,
    format: 'csv' | 'xlsx',
  ): Promise<{ stream: Readable; contentType: string; filename: string; sha256: string }> {
    this.assertReader(actor);
    const e = isUuid(id) ? await exportFilesRow(this.dataSource.manager, id) : undefined;
    if (!e) throw DomainError.notFound('Payment export', id);
    const base = `utbetalinger-${String(e.number).padStart(5, '0')}`;
    return format === 'csv'
      ? { stream: this.storage.read(e.csv_key), contentType: 'text/csv; charset=utf-8', filename: `${base}.csv`, sha256: e.csv_sha256 }
      : {
          stream: this.storage.read(e.xlsx_key),
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          filename: `${base}.xlsx`,
          sha256: e.xlsx_sha256,
        };
  }

  private assertReader(actor: Actor): void {
    if (this.policy.filter(actor, 'read').none) throw DomainError.forbidden();
  }
}

async function exportView(m: EntityManager, id: string): Promise<PaymentExportView | null> {
  if (!isUuid(id)) return null;
  const e = await exportRow(m, id);
  if (!e) return null;
  const lines = await exportLineRows(m, id);
  return {
    id: e.id,
    number: Number(e.number),
    callId: e.call_id,
    paymentCount: Number(e.payment_count),
    totalOre: sqlOre(e.total),
    csvSha256: e.csv_sha256,
    xlsxSha256: e.xlsx_sha256,
    createdBy: e.created_by,
    createdAt: new Date(e.created_at).toISOString(),
    lines: lines.map((l) => ({
      paymentId: l.payment_id,
      organisationNumber: l.organisation_number,
      account: l.account,
      amountOre: sqlOre(l.amount_ore),
      reference: l.reference,
      caseNumber: l.case_number,
      tranche: Number(l.tranche),
    })),
  };
}
