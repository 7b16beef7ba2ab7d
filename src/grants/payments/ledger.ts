import { EntityManager } from 'typeorm';
import { sumOre } from '../../common/money';
import { sqlOre } from '../../database/sql-numbers';
import { IN_FLIGHT_STATES, PaymentState } from './payment.workflow';
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

interface PaymentRow {
  id: string;
  status: PaymentState;
  grant_id: string;
  call_id: string;
  case_number: string;
  tranche: number;
  attempt: number;
  trigger: string;
  share_bp: number;
  planned_ore: string;
  amount_ore: string;
  adjustment_reason: string | null;
  reference: string;
  payee_organisation_number: string | null;
  payee_account: string | null;
  attested_by: string | null;
  attested_at: Date | null;
  approved_by: string | null;
  approved_at: Date | null;
  export_id: string | null;
  paid_on: string | null;
  bank_reference: string | null;
  failure_reason: string | null;
  returned_on: string | null;
  return_reason: string | null;
  updated_at: Date;
}

export const PAYMENT_SELECT = `SELECT p.id, p.status, p.grant_id, p.call_id, g.case_number, p.tranche, p.attempt, p.trigger, p.share_bp,
         p.planned_ore::text AS planned_ore, p.amount_ore::text AS amount_ore, p.adjustment_reason, p.reference,
         p.payee_organisation_number, p.payee_account, p.attested_by, p.attested_at, p.approved_by, p.approved_at,
         p.export_id, to_char(p.paid_on, 'YYYY-MM-DD') AS paid_on, p.bank_reference, p.failure_reason,
         to_char(p.returned_on, 'YYYY-MM-DD') AS returned_on, p.return_reason, p.updated_at
    FROM payment p JOIN grant_award g ON g.id = p.grant_id`;

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
  const rows: PaymentRow[] = await m.query(`${PAYMENT_SELECT} WHERE p.grant_id = $1 ORDER BY p.tranche, p.attempt`, [grantId]);
  return rows.map(paymentView);
}

export async function onePayment(m: EntityManager, id: string): Promise<PaymentRowView | null> {
  const rows: PaymentRow[] = await m.query(`${PAYMENT_SELECT} WHERE p.id = $1`, [id]);
  return rows[0] ? paymentView(rows[0]) : null;
}

interface ReclaimRow {
  id: string;
  status: ReclaimState;
  grant_id: string;
  number: number;
  kind: string;
  amount_ore: string;
  repaid_ore: string;
  reasons: string;
  due_on: string | null;
  raised_by: string | null;
  raised_at: Date;
  language: string | null;
  pdf_sha256: string | null;
  case_number: string | null;
  journal_seq: number | null;
  write_off_reason: string | null;
  dismiss_reason: string | null;
}

export async function reclaimsOf(m: EntityManager, where: { grantId?: string; id?: string }): Promise<ReclaimRowView[]> {
  const rows: ReclaimRow[] = await m.query(
    `SELECT r.id, r.status, r.grant_id, r.number, r.kind, r.amount_ore::text AS amount_ore,
            (SELECT COALESCE(sum(x.amount_ore), 0) FROM reclaim_repayment x WHERE x.reclaim_id = r.id)::text AS repaid_ore,
            r.reasons, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, r.raised_by, r.raised_at, r.language, r.pdf_sha256,
            r.case_number, r.journal_seq, r.write_off_reason, r.dismiss_reason
       FROM reclaim r WHERE ${where.id ? 'r.id = $1' : 'r.grant_id = $1'} ORDER BY r.number`,
    [where.id ?? where.grantId],
  );
  const repayments: Array<{
    reclaim_id: string;
    amount_ore: string;
    interest_ore: string;
    received_on: string;
    note: string | null;
    recorded_at: Date;
  }> = rows.length
    ? await m.query(
        `SELECT reclaim_id, amount_ore::text AS amount_ore, interest_ore::text AS interest_ore,
                  to_char(received_on, 'YYYY-MM-DD') AS received_on, note, recorded_at
           FROM reclaim_repayment WHERE reclaim_id = ANY($1::uuid[]) ORDER BY recorded_at, id`,
        [rows.map((r) => r.id)],
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
  const rows: Array<{
    status: string;
    organisation_number: string;
    account: string;
    registered_at: Date;
    registered_by: string | null;
    decided_by: string | null;
  }> = await m.query(
    `SELECT status, organisation_number, account, registered_at, registered_by, decided_by FROM grant_payee
      WHERE grant_id = $1 AND status IN ('ACTIVE','PENDING')`,
    [grantId],
  );
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
  const [s]: Array<{
    eligible_costs_ore: string;
    share_bp: number;
    final_grant_ore: string;
    paid_before_ore: string;
    last_tranche_ore: string;
    reclaim_ore: string;
    settled_at: Date;
  }> = await m.query(
    `SELECT eligible_costs_ore::text AS eligible_costs_ore, share_bp, final_grant_ore::text AS final_grant_ore,
            paid_before_ore::text AS paid_before_ore, last_tranche_ore::text AS last_tranche_ore, reclaim_ore::text AS reclaim_ore, settled_at
       FROM grant_settlement WHERE grant_id = $1`,
    [grantId],
  );
  const sum = (states: readonly PaymentState[]) => sumOre(payments.filter((x) => states.includes(x.status)).map((x) => x.amountOre));
  const paidOre = sum(['PAID']);
  const approvedNotPaidOre = sum(IN_FLIGHT_STATES);
  const finalGrantOre = s ? sqlOre(s.final_grant_ore) : null;
  const demanded = reclaims.filter((r) => !['PROPOSED', 'DISMISSED'].includes(r.status));
  const repaidOre = sumOre(reclaims.map((r) => r.repaidOre));
  const writtenOffOre = sumOre(reclaims.map((r) => r.writtenOffOre));
  const reclaimedOre = sumOre(demanded.map((r) => r.amountOre));
  const live = payments.filter((x) => x.status !== 'RETURNED' && x.status !== 'CANCELLED');
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
