import { EntityManager } from 'typeorm';
import { CallRules } from '../../calls/call-rules';
import { exactTimeSql } from '../../common/pagination';
import { sqlOre } from '../../database/sql-numbers';
import { Language } from '../../templates/language';
import { GrantPaymentLine } from '../entities/grant.entity';
import { overdueSql } from '../reports/report-content';
import { PaymentState } from './payment.workflow';
import { ReclaimState } from './reclaim.workflow';

/**
 * The payments module's raw SQL (payments, the payee, the plan, the settlement, reclaims and the bank exports), one
 * function per query returning typed rows. Callers pass the EntityManager of their transaction (the grant locked
 * first, as every payment step does), or dataSource.manager outside one; the rules stay in the services.
 */

/* ------------------------------------------------------------------ the grant */

export interface LockedGrantRow {
  id: string;
  status: string;
  call_id: string;
  consortium_id: string;
  application_id: string;
  case_number: string;
  amount_ore: string;
  payment_plan: GrantPaymentLine[];
  decision_id: string;
}

/** The grant's row, locked FOR UPDATE; undefined if there is no such grant. */
export async function lockGrantRow(m: EntityManager, grantId: string): Promise<LockedGrantRow | undefined> {
  const [g]: LockedGrantRow[] = await m.query(
    `SELECT id, status, call_id, consortium_id, application_id, case_number, amount_ore::text AS amount_ore, payment_plan, decision_id
       FROM grant_award WHERE id = $1 FOR UPDATE`,
    [grantId],
  );
  return g;
}

/** The grant a payment belongs to (unlocked); undefined if there is no such payment. */
export async function grantIdOfPayment(m: EntityManager, paymentId: string): Promise<string | undefined> {
  const [row]: Array<{ grant_id: string }> = await m.query(`SELECT grant_id FROM payment WHERE id = $1`, [paymentId]);
  return row?.grant_id;
}

/** The grant a reclaim belongs to (unlocked). */
export async function grantIdOfReclaim(m: EntityManager, reclaimId: string): Promise<string> {
  const [row]: Array<{ grant_id: string }> = await m.query(`SELECT grant_id FROM reclaim WHERE id = $1`, [reclaimId]);
  return row.grant_id;
}

/** The grant's reports overdue on `today` (still drafts after their due day), the earliest first. */
export async function overdueReportsOfGrant(
  m: EntityManager,
  grantId: string,
  today: string,
): Promise<Array<{ id: string; title: string; due_on: string }>> {
  return m.query(
    `SELECT r.id, r.title, to_char(r.due_on, 'YYYY-MM-DD') AS due_on FROM report r
      WHERE r.grant_id = $1 AND ${overdueSql('r', '$2')} ORDER BY r.due_on, r.id`,
    [grantId, today],
  );
}

/** The call's rules and when the application was first submitted (the year of the grant share). */
export async function callRulesAndFirstSubmission(
  m: EntityManager,
  callId: string,
  applicationId: string,
): Promise<{ rules: CallRules; first: Date }> {
  const [r]: Array<{ rules: CallRules; first: Date }> = await m.query(
    `SELECT c.rules, (SELECT min(v.submitted_at) FROM application_version v WHERE v.application_id = $2) AS first
       FROM call c WHERE c.id = $1`,
    [callId, applicationId],
  );
  return r;
}

/** The lead organisation of the consortium: its organisation number (if the register knows it) and name. */
export async function leadOrganisation(
  m: EntityManager,
  consortiumId: string,
): Promise<{ org_number: string | null; name: string } | undefined> {
  const [lead]: Array<{ org_number: string | null; name: string }> = await m.query(
    `SELECT o.org_number, o.name FROM consortium c JOIN organisation o ON o.id = c.lead_organisation_id WHERE c.id = $1`,
    [consortiumId],
  );
  return lead;
}

/** The eligible costs the final report's version states (its financial statement; the actuals add up to it), in øre. */
export async function reportedEligibleCostsOre(m: EntityManager, reportId: string, version: number): Promise<number> {
  const [r]: Array<{ total: string | null; actuals: string }> = await m.query(
    `SELECT v.content->'financialStatement'->>'totalEligibleCostsOre' AS total,
            (SELECT COALESCE(sum(a.amount_ore), 0) FROM report_actual a WHERE a.report_id = v.report_id AND a.version = v.version)::text AS actuals
       FROM report_version v WHERE v.report_id = $1 AND v.version = $2`,
    [reportId, version],
  );
  return sqlOre(r.total ?? r.actuals);
}

export async function setPaymentPlan(m: EntityManager, grantId: string, plan: readonly GrantPaymentLine[], at: Date): Promise<void> {
  await m.query(`UPDATE grant_award SET payment_plan = $2, updated_at = $3 WHERE id = $1`, [
    grantId,
    JSON.stringify(plan),
    at.toISOString(),
  ]);
}

/** The language of the decision (the letters' language). */
export async function decisionLanguage(m: EntityManager, decisionId: string): Promise<Language> {
  const [d]: Array<{ language: Language }> = await m.query(`SELECT language FROM decision WHERE id = $1`, [decisionId]);
  return d.language;
}

export async function userDisplayName(m: EntityManager, userId: string | null): Promise<string | undefined> {
  const [officer]: Array<{ display_name: string }> = await m.query(`SELECT display_name FROM app_user WHERE id = $1`, [userId]);
  return officer?.display_name;
}

/* ------------------------------------------------------------------ sums */

/** The grant's sum paid (payments PAID) and sum reclaimed (reclaims not dismissed), in øre. */
export async function paidAndReclaimedOre(m: EntityManager, grantId: string): Promise<{ paid: number; reclaimed: number }> {
  const [b]: Array<{ paid: string; reclaimed: string }> = await m.query(
    `SELECT (SELECT COALESCE(sum(amount_ore), 0) FROM payment WHERE grant_id = $1 AND status = 'PAID')::text AS paid,
            (SELECT COALESCE(sum(amount_ore), 0) FROM reclaim WHERE grant_id = $1 AND status <> 'DISMISSED')::text AS reclaimed`,
    [grantId],
  );
  return { paid: sqlOre(b.paid), reclaimed: sqlOre(b.reclaimed) };
}

/** The grant's sum paid (payments PAID) and sum repaid (reclaim repayments), in øre. */
export async function paidAndRepaidOre(m: EntityManager, grantId: string): Promise<{ paid: number; repaid: number }> {
  const [t]: Array<{ paid: string; repaid: string }> = await m.query(
    `SELECT (SELECT COALESCE(sum(amount_ore), 0) FROM payment WHERE grant_id = $1 AND status = 'PAID')::text AS paid,
            (SELECT COALESCE(sum(amount_ore), 0) FROM reclaim_repayment WHERE grant_id = $1)::text AS repaid`,
    [grantId],
  );
  return { paid: sqlOre(t.paid), repaid: sqlOre(t.repaid) };
}

/** The grant's sum paid (payments PAID), in øre. */
export async function paidOre(m: EntityManager, grantId: string): Promise<number> {
  const [paid]: Array<{ paid: string }> = await m.query(
    `SELECT COALESCE(sum(amount_ore), 0)::text AS paid FROM payment WHERE grant_id = $1 AND status = 'PAID'`,
    [grantId],
  );
  return sqlOre(paid.paid);
}

/* ------------------------------------------------------------------ payments */

export interface PaymentRow {
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

const PAYMENT_SELECT = `SELECT p.id, p.status, p.grant_id, p.call_id, g.case_number, p.tranche, p.attempt, p.trigger, p.share_bp,
         p.planned_ore::text AS planned_ore, p.amount_ore::text AS amount_ore, p.adjustment_reason, p.reference,
         p.payee_organisation_number, p.payee_account, p.attested_by, p.attested_at, p.approved_by, p.approved_at,
         p.export_id, to_char(p.paid_on, 'YYYY-MM-DD') AS paid_on, p.bank_reference, p.failure_reason,
         to_char(p.returned_on, 'YYYY-MM-DD') AS returned_on, p.return_reason, p.updated_at
    FROM payment p JOIN grant_award g ON g.id = p.grant_id`;

/** The grant's payments by tranche and attempt. */
export function paymentRowsOfGrant(m: EntityManager, grantId: string): Promise<PaymentRow[]> {
  return m.query(`${PAYMENT_SELECT} WHERE p.grant_id = $1 ORDER BY p.tranche, p.attempt`, [grantId]);
}

export async function paymentRow(m: EntityManager, id: string): Promise<PaymentRow | undefined> {
  const rows: PaymentRow[] = await m.query(`${PAYMENT_SELECT} WHERE p.id = $1`, [id]);
  return rows[0];
}

/**
 * One page of payments, the latest changed first, under the conditions (SQL over `p`, the payment, with their
 * parameters), with `at` (updated_at as exact text) for the cursor.
 */
export function paymentPage(
  m: EntityManager,
  where: readonly string[],
  params: unknown[],
  limit: number,
): Promise<Array<PaymentRow & { at: string }>> {
  return m.query(
    `${PAYMENT_SELECT.replace('SELECT ', `SELECT ${exactTimeSql('p.updated_at')} AS at, `)}
        WHERE ${where.join(' AND ')} ORDER BY p.updated_at DESC, p.id DESC LIMIT ${limit + 1}`,
    params,
  );
}

/** The grant's PLANNED payments waiting on the condition, by tranche. */
export async function plannedPaymentsWaitingOn(m: EntityManager, grantId: string, trigger: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(
    `SELECT id FROM payment WHERE grant_id = $1 AND trigger = $2 AND status = 'PLANNED' ORDER BY tranche`,
    [grantId, trigger],
  );
  return rows.map((r) => r.id);
}

/** The grant's payments not yet attested (PLANNED or PAYABLE), by tranche: what a new plan replaces. */
export async function unattestedPayments(m: EntityManager, grantId: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(
    `SELECT id FROM payment WHERE grant_id = $1 AND status IN ('PLANNED','PAYABLE') ORDER BY tranche`,
    [grantId],
  );
  return rows.map((r) => r.id);
}

/** The grant's payments still open (PLANNED, PAYABLE or FAILED), by tranche: what a grant ending unpaid cancels. */
export async function openPayments(m: EntityManager, grantId: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(
    `SELECT id FROM payment WHERE grant_id = $1 AND status IN ('PLANNED','PAYABLE','FAILED') ORDER BY tranche`,
    [grantId],
  );
  return rows.map((r) => r.id);
}

/** Whether a payment of the grant has gone past PLANNED and PAYABLE (attested or beyond; cancelled ones aside). */
export async function hasAttestedPayment(m: EntityManager, grantId: string): Promise<boolean> {
  const [started] = await m.query(`SELECT 1 FROM payment WHERE grant_id = $1 AND status NOT IN ('PLANNED','PAYABLE','CANCELLED') LIMIT 1`, [
    grantId,
  ]);
  return !!started;
}

/** Whether a payment of the grant is in none of the states. */
export async function hasPaymentNotIn(m: EntityManager, grantId: string, states: readonly string[]): Promise<boolean> {
  const [open] = await m.query(`SELECT 1 FROM payment WHERE grant_id = $1 AND NOT (status = ANY($2::text[])) LIMIT 1`, [grantId, states]);
  return !!open;
}

/** The grant's payments neither returned nor cancelled, by tranche, locked FOR UPDATE. */
export async function lockLivePayments(
  m: EntityManager,
  grantId: string,
): Promise<Array<{ id: string; tranche: number; status: PaymentState; amount_ore: string }>> {
  return m.query(
    `SELECT id, tranche, status, amount_ore::text AS amount_ore FROM payment
        WHERE grant_id = $1 AND status NOT IN ('RETURNED','CANCELLED') ORDER BY tranche FOR UPDATE`,
    [grantId],
  );
}

export async function adjustPaymentAmount(m: EntityManager, paymentId: string, amountOre: number, reason: string, at: Date): Promise<void> {
  await m.query(`UPDATE payment SET amount_ore = $2, adjustment_reason = $3, updated_at = $4 WHERE id = $1`, [
    paymentId,
    amountOre,
    reason,
    at.toISOString(),
  ]);
}

/** The highest attempt of the grant's tranche. */
export async function lastAttempt(m: EntityManager, grantId: string, tranche: number): Promise<number> {
  const [{ attempt }] = await m.query(`SELECT max(attempt)::int AS attempt FROM payment WHERE grant_id = $1 AND tranche = $2`, [
    grantId,
    tranche,
  ]);
  return Number(attempt);
}

/** The highest attempt of each of the grant's tranches. */
export function lastAttempts(m: EntityManager, grantId: string): Promise<Array<{ tranche: number; attempt: number }>> {
  return m.query(`SELECT tranche, max(attempt)::int AS attempt FROM payment WHERE grant_id = $1 GROUP BY tranche`, [grantId]);
}

/** A tranche's payment, PLANNED until its condition holds. */
export async function insertPlannedPayment(
  m: EntityManager,
  p: {
    grantId: string;
    callId: string;
    tranche: number;
    attempt: number;
    trigger: string;
    shareBp: number;
    amountOre: number;
    reference: string;
    at: Date;
  },
): Promise<void> {
  await m.query(
    `INSERT INTO payment (status, grant_id, call_id, tranche, attempt, trigger, share_bp, planned_ore, amount_ore, reference, created_at, updated_at)
       VALUES ('PLANNED', $1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $9)`,
    [p.grantId, p.callId, p.tranche, p.attempt, p.trigger, p.shareBp, p.amountOre, p.reference, p.at.toISOString()],
  );
}

/** A returned payment's tranche paid again: a new PAYABLE payment with the next attempt; returns its id. */
export async function insertReissuedPayment(
  m: EntityManager,
  p: {
    grantId: string;
    callId: string;
    tranche: number;
    attempt: number;
    trigger: string;
    shareBp: number;
    plannedOre: number;
    amountOre: number;
    adjustmentReason: string | null;
    reference: string;
    at: Date;
  },
): Promise<string> {
  const [created]: Array<{ id: string }> = await m.query(
    `INSERT INTO payment (status, grant_id, call_id, tranche, attempt, trigger, share_bp, planned_ore, amount_ore, adjustment_reason,
                              reference, created_at, updated_at)
         VALUES ('PAYABLE', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
    [
      p.grantId,
      p.callId,
      p.tranche,
      p.attempt,
      p.trigger,
      p.shareBp,
      p.plannedOre,
      p.amountOre,
      p.adjustmentReason,
      p.reference,
      p.at.toISOString(),
    ],
  );
  return created.id;
}

/* ------------------------------------------------------------------ the payee */

export interface PayeeRow {
  id: string;
  organisation_number: string;
  account: string;
}

/** The grant's ACTIVE payee, if any. */
export async function activePayee(m: EntityManager, grantId: string): Promise<PayeeRow | undefined> {
  const [active]: PayeeRow[] = await m.query(
    `SELECT id, organisation_number, account FROM grant_payee WHERE grant_id = $1 AND status = 'ACTIVE'`,
    [grantId],
  );
  return active;
}

/** The grant's payee change awaiting confirmation, if any. */
export async function pendingPayee(m: EntityManager, grantId: string): Promise<(PayeeRow & { registered_by: string | null }) | undefined> {
  const [pending]: Array<PayeeRow & { registered_by: string | null }> = await m.query(
    `SELECT id, organisation_number, account, registered_by FROM grant_payee WHERE grant_id = $1 AND status = 'PENDING'`,
    [grantId],
  );
  return pending;
}

export interface PayeeViewRow {
  status: string;
  organisation_number: string;
  account: string;
  registered_at: Date;
  registered_by: string | null;
  decided_by: string | null;
}

/** The grant's ACTIVE and PENDING payees. */
export function currentPayees(m: EntityManager, grantId: string): Promise<PayeeViewRow[]> {
  return m.query(
    `SELECT status, organisation_number, account, registered_at, registered_by, decided_by FROM grant_payee
      WHERE grant_id = $1 AND status IN ('ACTIVE','PENDING')`,
    [grantId],
  );
}

/** A change of payee still waiting is SUPERSEDED (a newer request replaces it). */
export async function supersedePendingPayee(m: EntityManager, grantId: string): Promise<void> {
  await m.query(`UPDATE grant_payee SET status = 'SUPERSEDED' WHERE grant_id = $1 AND status = 'PENDING'`, [grantId]);
}

/** The ACTIVE payee is SUPERSEDED (by a confirmed change). */
export async function supersedeActivePayee(m: EntityManager, grantId: string): Promise<void> {
  await m.query(`UPDATE grant_payee SET status = 'SUPERSEDED' WHERE grant_id = $1 AND status = 'ACTIVE'`, [grantId]);
}

export async function insertPayee(
  m: EntityManager,
  p: { grantId: string; status: 'ACTIVE' | 'PENDING'; organisationNumber: string; account: string; registeredBy: string | null; at: Date },
): Promise<void> {
  await m.query(
    `INSERT INTO grant_payee (grant_id, status, organisation_number, account, registered_by, registered_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [p.grantId, p.status, p.organisationNumber, p.account, p.registeredBy, p.at.toISOString()],
  );
}

export async function decidePayeeRow(
  m: EntityManager,
  id: string,
  status: 'ACTIVE' | 'REJECTED',
  decidedBy: string | null,
  at: Date,
  note: string | null,
): Promise<void> {
  await m.query(`UPDATE grant_payee SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5 WHERE id = $1`, [
    id,
    status,
    decidedBy,
    at.toISOString(),
    note,
  ]);
}

/* ------------------------------------------------------------------ the plan */

export interface PlanChangeRow {
  id: string;
  grant_id: string;
  status: string;
  plan: GrantPaymentLine[];
  reason: string;
  proposed_by: string;
  proposed_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
}

export async function planChangeRow(m: EntityManager, id: string): Promise<PlanChangeRow> {
  const [r]: PlanChangeRow[] = await m.query(`SELECT * FROM payment_plan_change WHERE id = $1`, [id]);
  return r;
}

/** Whether a change of the grant's plan awaits the approver. */
export async function hasProposedPlanChange(m: EntityManager, grantId: string): Promise<boolean> {
  const [open] = await m.query(`SELECT 1 FROM payment_plan_change WHERE grant_id = $1 AND status = 'PROPOSED'`, [grantId]);
  return !!open;
}

/** The change of the grant's plan awaiting the approver, locked FOR UPDATE, if any. */
export async function lockProposedPlanChange(
  m: EntityManager,
  grantId: string,
): Promise<{ id: string; plan: GrantPaymentLine[]; proposed_by: string; reason: string } | undefined> {
  const [change]: Array<{ id: string; plan: GrantPaymentLine[]; proposed_by: string; reason: string }> = await m.query(
    `SELECT id, plan, proposed_by, reason FROM payment_plan_change WHERE grant_id = $1 AND status = 'PROPOSED' FOR UPDATE`,
    [grantId],
  );
  return change;
}

/** Returns the new change's id. */
export async function insertPlanChange(
  m: EntityManager,
  p: {
    grantId: string;
    plan: ReadonlyArray<{ trigger: string; shareBp: number; amountOre: number }>;
    reason: string;
    proposedBy: string | null;
    at: Date;
  },
): Promise<string> {
  const [row]: Array<{ id: string }> = await m.query(
    `INSERT INTO payment_plan_change (grant_id, status, plan, reason, proposed_by, proposed_at) VALUES ($1, 'PROPOSED', $2, $3, $4, $5) RETURNING id`,
    [p.grantId, JSON.stringify(p.plan), p.reason, p.proposedBy, p.at.toISOString()],
  );
  return row.id;
}

export async function decidePlanChangeRow(
  m: EntityManager,
  id: string,
  status: 'CONFIRMED' | 'REJECTED',
  decidedBy: string | null,
  at: Date,
  note: string | null,
): Promise<void> {
  await m.query(`UPDATE payment_plan_change SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5 WHERE id = $1`, [
    id,
    status,
    decidedBy,
    at.toISOString(),
    note,
  ]);
}

/* ------------------------------------------------------------------ the settlement */

/** Whether the grant has had its final settlement. */
export async function isSettled(m: EntityManager, grantId: string): Promise<boolean> {
  const [done] = await m.query(`SELECT 1 FROM grant_settlement WHERE grant_id = $1`, [grantId]);
  return !!done;
}

export async function insertSettlement(
  m: EntityManager,
  s: {
    grantId: string;
    reportId: string | null;
    eligibleCostsOre: number;
    shareBp: number;
    grantedOre: number;
    finalGrantOre: number;
    paidBeforeOre: number;
    lastTrancheOre: number;
    reclaimOre: number;
    at: Date;
  },
): Promise<void> {
  await m.query(
    `INSERT INTO grant_settlement (grant_id, report_id, eligible_costs_ore, share_bp, granted_ore, final_grant_ore, paid_before_ore,
                                     last_tranche_ore, reclaim_ore, settled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      s.grantId,
      s.reportId,
      s.eligibleCostsOre,
      s.shareBp,
      s.grantedOre,
      s.finalGrantOre,
      s.paidBeforeOre,
      s.lastTrancheOre,
      s.reclaimOre,
      s.at.toISOString(),
    ],
  );
}

export interface SettlementRow {
  eligible_costs_ore: string;
  share_bp: number;
  final_grant_ore: string;
  paid_before_ore: string;
  last_tranche_ore: string;
  reclaim_ore: string;
  settled_at: Date;
}

export async function settlementRow(m: EntityManager, grantId: string): Promise<SettlementRow | undefined> {
  const [s]: SettlementRow[] = await m.query(
    `SELECT eligible_costs_ore::text AS eligible_costs_ore, share_bp, final_grant_ore::text AS final_grant_ore,
            paid_before_ore::text AS paid_before_ore, last_tranche_ore::text AS last_tranche_ore, reclaim_ore::text AS reclaim_ore, settled_at
       FROM grant_settlement WHERE grant_id = $1`,
    [grantId],
  );
  return s;
}

/* ------------------------------------------------------------------ reclaims */

/** The grant's next reclaim number (1 for its first). */
export async function nextReclaimNumber(m: EntityManager, grantId: string): Promise<number> {
  const [{ n }] = await m.query(`SELECT COALESCE(max(number), 0) + 1 AS n FROM reclaim WHERE grant_id = $1`, [grantId]);
  return Number(n);
}

/** The final settlement's reclaim, PROPOSED for an officer to confirm; returns its id. */
export async function insertSettlementReclaim(
  m: EntityManager,
  r: { grantId: string; number: number; amountOre: number; reasons: string; at: Date },
): Promise<string> {
  const [row]: Array<{ id: string }> = await m.query(
    `INSERT INTO reclaim (status, grant_id, number, kind, amount_ore, reasons, raised_by, raised_at, updated_at)
         VALUES ('PROPOSED', $1, $2, 'SETTLEMENT', $3, $4, NULL, $5, $5) RETURNING id`,
    [r.grantId, r.number, r.amountOre, r.reasons, r.at.toISOString()],
  );
  return row.id;
}

/** An officer's reclaim, PROPOSED until demanded; returns its id. */
export async function insertRaisedReclaim(
  m: EntityManager,
  r: {
    grantId: string;
    number: number;
    kind: string;
    amountOre: number;
    reasons: string;
    dueOn: string;
    raisedBy: string | null;
    at: Date;
  },
): Promise<string> {
  const [row]: Array<{ id: string }> = await m.query(
    `INSERT INTO reclaim (status, grant_id, number, kind, amount_ore, reasons, due_on, raised_by, raised_at, updated_at)
           VALUES ('PROPOSED', $1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
    [r.grantId, r.number, r.kind, r.amountOre, r.reasons, r.dueOn, r.raisedBy, r.at.toISOString()],
  );
  return row.id;
}

/** Whether a reclaim of the grant is in none of the states. */
export async function hasReclaimNotIn(m: EntityManager, grantId: string, states: readonly string[]): Promise<boolean> {
  const [owed] = await m.query(`SELECT 1 FROM reclaim WHERE grant_id = $1 AND NOT (status = ANY($2::text[])) LIMIT 1`, [grantId, states]);
  return !!owed;
}

export async function setReclaimDueOn(m: EntityManager, id: string, dueOn: string): Promise<void> {
  await m.query(`UPDATE reclaim SET due_on = $2 WHERE id = $1`, [id, dueOn]);
}

/** What the demand mail needs of the reclaim (the amount as the database writes it). */
export async function reclaimDemandMailRow(
  m: EntityManager,
  reclaimId: string,
): Promise<{ case_number: string; title: string; amount_ore: string; due_on: string } | undefined> {
  const [r]: Array<{ case_number: string; title: string; amount_ore: string; due_on: string }> = await m.query(
    `SELECT g.case_number, a.title, r.amount_ore::text AS amount_ore, to_char(r.due_on, 'YYYY-MM-DD') AS due_on
             FROM reclaim r JOIN grant_award g ON g.id = r.grant_id JOIN application a ON a.id = g.application_id WHERE r.id = $1`,
    [reclaimId],
  );
  return r;
}

/** Where the reclaim's letter is stored. */
export async function reclaimLetterRow(
  m: EntityManager,
  id: string,
): Promise<{ html_key: string | null; html_sha256: string; pdf_key: string; pdf_sha256: string; case_number: string; number: number }> {
  const [r]: Array<{
    html_key: string | null;
    html_sha256: string;
    pdf_key: string;
    pdf_sha256: string;
    case_number: string;
    number: number;
  }> = await m.query(
    `SELECT r.html_key, r.html_sha256, r.pdf_key, r.pdf_sha256, g.case_number, r.number FROM reclaim r JOIN grant_award g ON g.id = r.grant_id WHERE r.id = $1`,
    [id],
  );
  return r;
}

export interface ReclaimRow {
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

/** One reclaim (by id) or the grant's reclaims, by number, each with the sum repaid. */
export function reclaimRows(m: EntityManager, where: { grantId?: string; id?: string }): Promise<ReclaimRow[]> {
  return m.query(
    `SELECT r.id, r.status, r.grant_id, r.number, r.kind, r.amount_ore::text AS amount_ore,
            (SELECT COALESCE(sum(x.amount_ore), 0) FROM reclaim_repayment x WHERE x.reclaim_id = r.id)::text AS repaid_ore,
            r.reasons, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, r.raised_by, r.raised_at, r.language, r.pdf_sha256,
            r.case_number, r.journal_seq, r.write_off_reason, r.dismiss_reason
       FROM reclaim r WHERE ${where.id ? 'r.id = $1' : 'r.grant_id = $1'} ORDER BY r.number`,
    [where.id ?? where.grantId],
  );
}

export interface RepaymentRow {
  reclaim_id: string;
  amount_ore: string;
  interest_ore: string;
  received_on: string;
  note: string | null;
  recorded_at: Date;
}

/** The repayments of the reclaims, in the order recorded. */
export function repaymentRows(m: EntityManager, reclaimIds: string[]): Promise<RepaymentRow[]> {
  return m.query(
    `SELECT reclaim_id, amount_ore::text AS amount_ore, interest_ore::text AS interest_ore,
            to_char(received_on, 'YYYY-MM-DD') AS received_on, note, recorded_at
           FROM reclaim_repayment WHERE reclaim_id = ANY($1::uuid[]) ORDER BY recorded_at, id`,
    [reclaimIds],
  );
}

/* ------------------------------------------------------------------ exports to the bank */

/** Takes the table lock that lets one export run at a time. */
export async function lockPaymentExports(m: EntityManager): Promise<void> {
  await m.query(`LOCK TABLE payment_export IN EXCLUSIVE MODE`);
}

export interface ApprovedPaymentRow {
  id: string;
  payee_organisation_number: string;
  payee_account: string;
  amount_ore: string;
  reference: string;
  case_number: string;
  tranche: number;
}

/**
 * The APPROVED payments (of the call, if given), by case, tranche and attempt, locked FOR UPDATE: their grants first,
 * then the payments, the order every other payment step locks them in.
 */
export async function lockApprovedPayments(m: EntityManager, callId: string | undefined): Promise<ApprovedPaymentRow[]> {
  const params: unknown[] = [];
  const byCall = callId ? `AND p.call_id = $1` : '';
  if (callId) params.push(callId);
  await m.query(
    `SELECT g.id FROM grant_award g WHERE g.id IN (SELECT p.grant_id FROM payment p WHERE p.status = 'APPROVED' ${byCall})
            ORDER BY g.id FOR UPDATE`,
    params,
  );
  return m.query(
    `SELECT p.id, p.payee_organisation_number, p.payee_account, p.amount_ore::text AS amount_ore, p.reference, g.case_number, p.tranche
             FROM payment p JOIN grant_award g ON g.id = p.grant_id
            WHERE p.status = 'APPROVED' ${byCall}
            ORDER BY g.case_number, p.tranche, p.attempt FOR UPDATE OF p`,
    params,
  );
}

/** The next export batch number (1 for the first). */
export async function nextExportNumber(m: EntityManager): Promise<number> {
  const [{ n }] = await m.query(`SELECT COALESCE(max(number), 0) + 1 AS n FROM payment_export`);
  return Number(n);
}

/** Returns the new export's id. */
export async function insertExport(
  m: EntityManager,
  e: {
    number: number;
    callId: string | null;
    paymentCount: number;
    totalOre: number;
    csvKey: string;
    csvSha256: string;
    xlsxKey: string;
    xlsxSha256: string;
    createdBy: string | null;
    at: Date;
  },
): Promise<string> {
  const [row]: Array<{ id: string }> = await m.query(
    `INSERT INTO payment_export (number, call_id, payment_count, total_ore, csv_key, csv_sha256, xlsx_key, xlsx_sha256, created_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [e.number, e.callId, e.paymentCount, e.totalOre, e.csvKey, e.csvSha256, e.xlsxKey, e.xlsxSha256, e.createdBy, e.at.toISOString()],
  );
  return row.id;
}

export async function insertExportLine(
  m: EntityManager,
  l: {
    exportId: string;
    position: number;
    paymentId: string;
    organisationNumber: string;
    account: string;
    amountOre: number;
    reference: string;
    caseNumber: string;
    tranche: number;
  },
): Promise<void> {
  await m.query(
    `INSERT INTO payment_export_line (export_id, position, payment_id, organisation_number, account, amount_ore, reference, case_number, tranche)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [l.exportId, l.position, l.paymentId, l.organisationNumber, l.account, l.amountOre, l.reference, l.caseNumber, l.tranche],
  );
}

/** The latest 100 exports' ids, the newest first. */
export async function latestExportIds(m: EntityManager): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(`SELECT id FROM payment_export ORDER BY number DESC LIMIT 100`);
  return rows.map((r) => r.id);
}

export interface ExportRow {
  id: string;
  number: number;
  call_id: string | null;
  payment_count: number;
  /** total_ore as text */
  total: string;
  csv_key: string;
  csv_sha256: string;
  xlsx_key: string;
  xlsx_sha256: string;
  created_by: string;
  created_at: Date;
}

export async function exportRow(m: EntityManager, id: string): Promise<ExportRow | undefined> {
  const [e]: ExportRow[] = await m.query(`SELECT *, total_ore::text AS total FROM payment_export WHERE id = $1`, [id]);
  return e;
}

/** Where the export's files are stored. */
export async function exportFilesRow(
  m: EntityManager,
  id: string,
): Promise<{ number: number; csv_key: string; csv_sha256: string; xlsx_key: string; xlsx_sha256: string } | undefined> {
  const [e]: Array<{ number: number; csv_key: string; csv_sha256: string; xlsx_key: string; xlsx_sha256: string }> = await m.query(
    `SELECT number, csv_key, csv_sha256, xlsx_key, xlsx_sha256 FROM payment_export WHERE id = $1`,
    [id],
  );
  return e;
}

export interface ExportLineRow {
  payment_id: string;
  organisation_number: string;
  account: string;
  amount_ore: string;
  reference: string;
  case_number: string;
  tranche: number;
}

export function exportLineRows(m: EntityManager, exportId: string): Promise<ExportLineRow[]> {
  return m.query(
    `SELECT payment_id, organisation_number, account, amount_ore::text AS amount_ore, reference, case_number, tranche
       FROM payment_export_line WHERE export_id = $1 ORDER BY position`,
    [exportId],
  );
}

/** The first due date of the grant's progress reports and of its final report still owed or answered. */
export async function reportDueDates(m: EntityManager, grantId: string): Promise<{ PROGRESS?: string; FINAL?: string }> {
  const rows: Array<{ kind: 'PROGRESS' | 'FINAL'; due_on: string }> = await m.query(
    `SELECT kind, to_char(min(due_on), 'YYYY-MM-DD') AS due_on FROM report
      WHERE grant_id = $1 AND status <> 'CANCELLED' AND kind IN ('PROGRESS','FINAL') GROUP BY kind`,
    [grantId],
  );
  return Object.fromEntries(rows.map((r) => [r.kind, r.due_on]));
}
