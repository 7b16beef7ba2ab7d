import { EntityManager } from 'typeorm';
import { sumOre } from '../../common/money';
import { sqlOre } from '../../database/sql-numbers';
import { IN_FLIGHT_STATES, PaymentState } from './payment.workflow';
import {
  currentPayees,
  PaymentRow,
  paymentRow,
  paymentRowsOfGrant,
  reclaimRows,
  repaymentRows,
  reportDueDates,
  settlementRow,
} from './payments.queries';
import { ReclaimState } from './reclaim.workflow';
import { ReclaimInterest } from './interest';

export interface PaymentRowView {
  id: string;
  status: PaymentState;
  grantId: string;
  callId: string;
  caseNumber: string;
  tranche: number;
  attempt: number;
  trigger: string;
  shareBp: number;
  plannedOre: number;
  amountOre: number;
  adjustmentReason: string | null;
  reference: string;
  payee: { organisationNumber: string; account: string } | null;
  attestedBy: string | null;
  attestedAt: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  exportId: string | null;
  paidOn: string | null;
  bankReference: string | null;
  failureReason: string | null;
  returnedOn: string | null;
  returnReason: string | null;
  updatedAt: string;
}

export interface ReclaimRowView {
  id: string;
  status: ReclaimState;
  grantId: string;
  number: number;
  kind: string;
  amountOre: number;
  repaidOre: number;
  writtenOffOre: number;
  outstandingOre: number;
  reasons: string;
  dueOn: string | null;
  raisedBy: string | null;
  raisedAt: string;
  letter: { entryNumber: string; language: string; pdfSha256: string } | null;
  writeOffReason: string | null;
  dismissReason: string | null;
  /** amountOre: the principal repaid; interestOre: the late-payment interest paid with it. */
  repayments: Array<{ amountOre: number; interestOre: number; receivedOn: string; note: string | null; recordedAt: string }>;
  /** Late-payment interest, computed on demand (ReclaimsService; not in the grant's ledger). */
  interest?: ReclaimInterest | null;
}

export interface PayeeView {
  organisationNumber: string;
  account: string;
  registeredAt: string;
  registeredBy: string | null;
  confirmedBy: string | null;
}

export interface GrantLedger {
  grantedOre: number;
  /** Set by the final settlement: what the grant finally comes to. */
  finalGrantOre: number | null;
  paidOre: number;
  /** Attested, waiting for approval. */
  attestedOre: number;
  /** Approved (or exported to the bank), not yet paid. */
  approvedNotPaidOre: number;
  /** Still to be paid out: the final grant (or the grant) less paid and approved. */
  remainingOre: number;
  /** Paid and then returned by the bank (the tranche was paid again or is payable again). */
  returnedOre: number;
  /** Demanded back (proposals awaiting the officer are not counted). */
  reclaimedOre: number;
  /** A settlement's reclaim awaiting the officer's confirmation. */
  proposedReclaimOre: number;
  repaidOre: number;
  writtenOffOre: number;
  /** Demanded and neither repaid nor written off. */
  outstandingReclaimOre: number;
  /** Paid less repaid. */
  netPaidOre: number;
  tranches: Array<{
    tranche: number;
    trigger: string;
    shareBp: number;
    plannedOre: number;
    amountOre: number;
    status: PaymentState;
    paymentId: string;
    reference: string;
    paidOn: string | null;
    /** A tranche paid on a report's approval: that report's due date (the project end moves it); null on acceptance. */
    expectedOn: string | null;
    /** The earlier payments of the tranche: returned by the bank, or cancelled by a new plan. */
    earlier: Array<{
      paymentId: string;
      status: PaymentState;
      amountOre: number;
      reference: string;
      returnedOn: string | null;
      returnReason: string | null;
    }>;
  }>;
  payee: PayeeView | null;
  pendingPayee: PayeeView | null;
  reclaims: ReclaimRowView[];
  settlement: {
    eligibleCostsOre: number;
    shareBp: number;
    finalGrantOre: number;
    paidBeforeOre: number;
    lastTrancheOre: number;
    reclaimOre: number;
    settledAt: string;
  } | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function paymentView(r: PaymentRow): PaymentRowView {
  return {
    id: r.id,
    status: r.status,
    grantId: r.grant_id,
    callId: r.call_id,
    caseNumber: r.case_number,
    tranche: Number(r.tranche),
    attempt: Number(r.attempt),
    trigger: r.trigger,
    shareBp: Number(r.share_bp),
    plannedOre: sqlOre(r.planned_ore),
    amountOre: sqlOre(r.amount_ore),
    adjustmentReason: r.adjustment_reason,
    reference: r.reference,
    payee: r.payee_account ? { organisationNumber: r.payee_organisation_number!, account: r.payee_account } : null,
    attestedBy: r.attested_by,
    attestedAt: iso(r.attested_at),
    approvedBy: r.approved_by,
    approvedAt: iso(r.approved_at),
    exportId: r.export_id,
    paidOn: r.paid_on,
    bankReference: r.bank_reference,
    failureReason: r.failure_reason,
    returnedOn: r.returned_on,
    returnReason: r.return_reason,
    updatedAt: iso(r.updated_at)!,
  };
}

export async function paymentsOf(m: EntityManager, grantId: string): Promise<PaymentRowView[]> {
  const rows = await paymentRowsOfGrant(m, grantId);
  return rows.map(paymentView);
}

export async function onePayment(m: EntityManager, id: string): Promise<PaymentRowView | null> {
  const row = await paymentRow(m, id);
  return row ? paymentView(row) : null;
}

export async function reclaimsOf(m: EntityManager, where: { grantId?: string; id?: string }): Promise<ReclaimRowView[]> {
  const rows = await reclaimRows(m, where);
  const repayments = rows.length
    ? await repaymentRows(
        m,
        rows.map((r) => r.id),
      )
    : [];
  return rows.map((r) => {
    const amountOre = sqlOre(r.amount_ore);
    const repaidOre = sqlOre(r.repaid_ore);
    const writtenOffOre = r.status === 'WRITTEN_OFF' ? amountOre - repaidOre : 0;
    const demanded = !['PROPOSED', 'DISMISSED'].includes(r.status);
    return {
      id: r.id,
      status: r.status,
      grantId: r.grant_id,
      number: Number(r.number),
      kind: r.kind,
      amountOre,
      repaidOre,
      writtenOffOre,
      outstandingOre: demanded ? amountOre - repaidOre - writtenOffOre : 0,
      reasons: r.reasons,
      dueOn: r.due_on,
      raisedBy: r.raised_by,
      raisedAt: iso(r.raised_at)!,
      letter:
        r.journal_seq !== null && r.pdf_sha256
          ? { entryNumber: `${r.case_number}-${r.journal_seq}`, language: r.language!, pdfSha256: r.pdf_sha256 }
          : null,
      writeOffReason: r.write_off_reason,
      dismissReason: r.dismiss_reason,
      repayments: repayments
        .filter((x) => x.reclaim_id === r.id)
        .map((x) => ({
          amountOre: sqlOre(x.amount_ore),
          interestOre: sqlOre(x.interest_ore),
          receivedOn: x.received_on,
          note: x.note,
          recordedAt: iso(x.recorded_at)!,
        })),
    };
  });
}

async function payees(m: EntityManager, grantId: string): Promise<{ active: PayeeView | null; pending: PayeeView | null }> {
  const rows = await currentPayees(m, grantId);
  const view = (s: string): PayeeView | null => {
    const r = rows.find((x) => x.status === s);
    return r
      ? {
          organisationNumber: r.organisation_number,
          account: r.account,
          registeredAt: iso(r.registered_at)!,
          registeredBy: r.registered_by,
          confirmedBy: r.decided_by,
        }
      : null;
  };
  return { active: view('ACTIVE'), pending: view('PENDING') };
}

/** The grant's ledger, every amount summed from the payment and reclaim rows as they are now. */
export async function readLedger(m: EntityManager, grantId: string, grantedOre: number): Promise<GrantLedger> {
  const payments = await paymentsOf(m, grantId);
  const reclaims = await reclaimsOf(m, { grantId });
  const p = await payees(m, grantId);
  const s = await settlementRow(m, grantId);
  const sum = (states: readonly PaymentState[]) => sumOre(payments.filter((x) => states.includes(x.status)).map((x) => x.amountOre));
  const paidOre = sum(['PAID']);
  const approvedNotPaidOre = sum(IN_FLIGHT_STATES);
  const finalGrantOre = s ? sqlOre(s.final_grant_ore) : null;
  const demanded = reclaims.filter((r) => !['PROPOSED', 'DISMISSED'].includes(r.status));
  const repaidOre = sumOre(reclaims.map((r) => r.repaidOre));
  const writtenOffOre = sumOre(reclaims.map((r) => r.writtenOffOre));
  const reclaimedOre = sumOre(demanded.map((r) => r.amountOre));
  const live = payments.filter((x) => x.status !== 'RETURNED' && x.status !== 'CANCELLED');
  const due = await reportDueDates(m, grantId);
  return {
    grantedOre,
    finalGrantOre,
    paidOre,
    attestedOre: sum(['ATTESTED']),
    approvedNotPaidOre,
    remainingOre: Math.max(0, (finalGrantOre ?? grantedOre) - paidOre - approvedNotPaidOre),
    returnedOre: sum(['RETURNED']),
    reclaimedOre,
    proposedReclaimOre: sumOre(reclaims.filter((r) => r.status === 'PROPOSED').map((r) => r.amountOre)),
    repaidOre,
    writtenOffOre,
    outstandingReclaimOre: reclaimedOre - repaidOre - writtenOffOre,
    netPaidOre: paidOre - repaidOre,
    tranches: [...new Set(payments.map((x) => x.tranche))]
      .sort((a, b) => a - b)
      .map((n) => {
        const all = payments.filter((x) => x.tranche === n);
        // the live payment, or (all cancelled by a settlement or a new plan) the latest
        const current = live.find((x) => x.tranche === n) ?? all[all.length - 1];
        return {
          tranche: n,
          trigger: current.trigger,
          shareBp: current.shareBp,
          plannedOre: current.plannedOre,
          amountOre: current.amountOre,
          status: current.status,
          paymentId: current.id,
          reference: current.reference,
          paidOn: current.paidOn,
          expectedOn:
            current.trigger === 'FINAL_REPORT_APPROVED'
              ? (due.FINAL ?? null)
              : current.trigger === 'PROGRESS_REPORT_APPROVED'
                ? (due.PROGRESS ?? null)
                : null,
          earlier: all
            .filter((x) => x.id !== current.id)
            .map((x) => ({
              paymentId: x.id,
              status: x.status,
              amountOre: x.amountOre,
              reference: x.reference,
              returnedOn: x.returnedOn,
              returnReason: x.returnReason,
            })),
        };
      }),
    payee: p.active,
    pendingPayee: p.pending,
    reclaims,
    settlement: s
      ? {
          eligibleCostsOre: sqlOre(s.eligible_costs_ore),
          shareBp: Number(s.share_bp),
          finalGrantOre: sqlOre(s.final_grant_ore),
          paidBeforeOre: sqlOre(s.paid_before_ore),
          lastTrancheOre: sqlOre(s.last_tranche_ore),
          reclaimOre: sqlOre(s.reclaim_ore),
          settledAt: iso(s.settled_at)!,
        }
      : null,
  };
}
