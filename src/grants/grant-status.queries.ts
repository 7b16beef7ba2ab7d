import { EntityManager } from 'typeorm';
import { isUuid } from '../common/uuid';
import { Language } from '../templates/language';
import { GrantStatusChangeKind, GrantStatusChangeState } from './grant-status.kinds';

export interface GrantStatusChangeRow {
  id: string;
  grantId: string;
  kind: GrantStatusChangeKind;
  status: GrantStatusChangeState;
  reasons: string;
  statementDueOn: string | null;
  proposedBy: string;
  proposedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  statementReportId: string | null;
  entryNumber: string | null;
  language: Language | null;
  pdfSha256: string | null;
}

interface Row {
  id: string;
  grant_id: string;
  kind: GrantStatusChangeKind;
  status: GrantStatusChangeState;
  reasons: string;
  statement_due_on: string | null;
  proposed_by: string;
  proposed_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  statement_report_id: string | null;
  case_number: string;
  journal_seq: number | null;
  language: Language | null;
  pdf_sha256: string | null;
}

const SELECT = `SELECT c.id, c.grant_id, c.kind, c.status, c.reasons, to_char(c.statement_due_on, 'YYYY-MM-DD') AS statement_due_on,
                       c.proposed_by, c.proposed_at, c.decided_by, c.decided_at, c.decision_note, c.statement_report_id,
                       g.case_number, c.journal_seq, c.language, c.pdf_sha256
                  FROM grant_status_change c JOIN grant_award g ON g.id = c.grant_id`;

function toRow(r: Row): GrantStatusChangeRow {
  return {
    id: r.id,
    grantId: r.grant_id,
    kind: r.kind,
    status: r.status,
    reasons: r.reasons,
    statementDueOn: r.statement_due_on,
    proposedBy: r.proposed_by,
    proposedAt: new Date(r.proposed_at),
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
    decisionNote: r.decision_note,
    statementReportId: r.statement_report_id,
    entryNumber: r.journal_seq === null ? null : `${r.case_number}-${r.journal_seq}`,
    language: r.language,
    pdfSha256: r.pdf_sha256,
  };
}

/** One change of a grant's status, by its id and the grant's (null: no such change on that grant). */
export async function findStatusChange(m: EntityManager, grantId: string, id: string): Promise<GrantStatusChangeRow | null> {
  if (!isUuid(id)) return null;
  const rows: Row[] = await m.query(`${SELECT} WHERE c.id = $1 AND c.grant_id = $2`, [id, grantId]);
  return rows[0] ? toRow(rows[0]) : null;
}

/** The grant's status changes, oldest first; `confirmedOnly` for the consortium, which sees what was decided. */
export async function statusChangesOf(m: EntityManager, grantId: string, confirmedOnly: boolean): Promise<GrantStatusChangeRow[]> {
  const rows: Row[] = await m.query(
    `${SELECT} WHERE c.grant_id = $1${confirmedOnly ? ` AND c.status = 'CONFIRMED'` : ''} ORDER BY c.proposed_at, c.id`,
    [grantId],
  );
  return rows.map(toRow);
}

export async function openStatusChange(m: EntityManager, grantId: string): Promise<string | null> {
  const [r]: Array<{ id: string }> = await m.query(`SELECT id FROM grant_status_change WHERE grant_id = $1 AND status = 'PROPOSED'`, [
    grantId,
  ]);
  return r?.id ?? null;
}

export async function insertStatusChange(
  m: EntityManager,
  c: { grantId: string; kind: GrantStatusChangeKind; reasons: string; statementDueOn: string | null; proposedBy: string; at: Date },
): Promise<string> {
  const [r]: Array<{ id: string }> = await m.query(
    `INSERT INTO grant_status_change (grant_id, kind, status, reasons, statement_due_on, proposed_by, proposed_at, updated_at)
     VALUES ($1, $2, 'PROPOSED', $3, $4, $5, $6, $6) RETURNING id`,
    [c.grantId, c.kind, c.reasons, c.statementDueOn, c.proposedBy, c.at.toISOString()],
  );
  return r.id;
}

/** The suspension in force on a grant: the latest confirmed SUSPEND. */
export async function suspensionInForce(m: EntityManager, grantId: string): Promise<{ reasons: string; suspendedAt: Date } | null> {
  const [r]: Array<{ reasons: string; decided_at: Date }> = await m.query(
    `SELECT reasons, decided_at FROM grant_status_change WHERE grant_id = $1 AND kind = 'SUSPEND' AND status = 'CONFIRMED'
      ORDER BY decided_at DESC, id DESC LIMIT 1`,
    [grantId],
  );
  return r ? { reasons: r.reasons, suspendedAt: new Date(r.decided_at) } : null;
}

/** The termination whose final financial statement this report is, if it is one. */
export async function terminationOfStatement(m: EntityManager, reportId: string): Promise<{ id: string; grantId: string } | null> {
  const [r]: Array<{ id: string; grant_id: string }> = await m.query(
    `SELECT id, grant_id FROM grant_status_change WHERE statement_report_id = $1`,
    [reportId],
  );
  return r ? { id: r.id, grantId: r.grant_id } : null;
}

/** What the letter and the cancellation need: the tranches not yet paid, and what they would have paid. */
export async function unpaidTranches(m: EntityManager, grantId: string): Promise<Array<{ id: string; status: string; amountOre: string }>> {
  const rows: Array<{ id: string; status: string; amount_ore: string }> = await m.query(
    `SELECT id, status, amount_ore::text AS amount_ore FROM payment
      WHERE grant_id = $1 AND status IN ('PLANNED','PAYABLE','FAILED','ATTESTED','APPROVED') ORDER BY tranche FOR UPDATE`,
    [grantId],
  );
  return rows.map((r) => ({ id: r.id, status: r.status, amountOre: r.amount_ore }));
}

export async function paidOfGrant(m: EntityManager, grantId: string): Promise<string> {
  const [r]: Array<{ paid: string }> = await m.query(
    `SELECT COALESCE(sum(amount_ore), 0)::text AS paid FROM payment WHERE grant_id = $1 AND status = 'PAID'`,
    [grantId],
  );
  return r.paid;
}

export async function decisionLanguage(m: EntityManager, decisionId: string): Promise<Language> {
  const [d]: Array<{ language: Language }> = await m.query(`SELECT language FROM decision WHERE id = $1`, [decisionId]);
  return d.language;
}

export async function displayName(m: EntityManager, userId: string): Promise<string | null> {
  const [u]: Array<{ display_name: string }> = await m.query(`SELECT display_name FROM app_user WHERE id = $1`, [userId]);
  return u?.display_name ?? null;
}

export interface StatusChangeOutcome {
  language: Language;
  htmlKey: string;
  htmlSha256: string;
  pdfKey: string;
  pdfSha256: string;
  journalSeq: number;
  statementReportId: string | null;
  statementDueOn: string | null;
}

/** What a confirmation produced: the letter (stored, journaled) and, for a termination, the statement asked for. */
export async function recordOutcome(m: EntityManager, id: string, o: StatusChangeOutcome): Promise<void> {
  await m.query(
    `UPDATE grant_status_change SET language = $2, html_key = $3, html_sha256 = $4, pdf_key = $5, pdf_sha256 = $6, journal_seq = $7,
            statement_report_id = $8, statement_due_on = $9
      WHERE id = $1`,
    [id, o.language, o.htmlKey, o.htmlSha256, o.pdfKey, o.pdfSha256, o.journalSeq, o.statementReportId, o.statementDueOn],
  );
}

export async function proposerOf(m: EntityManager, id: string): Promise<string | null> {
  const [r]: Array<{ proposed_by: string }> = await m.query(`SELECT proposed_by FROM grant_status_change WHERE id = $1`, [id]);
  return r?.proposed_by ?? null;
}

export async function applicationTitle(m: EntityManager, applicationId: string): Promise<string | null> {
  const [r]: Array<{ title: string }> = await m.query(`SELECT title FROM application WHERE id = $1`, [applicationId]);
  return r?.title ?? null;
}

/** What the mail of a confirmed change re-reads when it is sent (null: not confirmed, or gone). */
export async function confirmedChangeForMail(
  m: EntityManager,
  id: string,
): Promise<{ kind: GrantStatusChangeKind; caseNumber: string; projectTitle: string; statementDueOn: string | null } | null> {
  const [c]: Array<{ kind: GrantStatusChangeKind; case_number: string; title: string; statement_due_on: string | null }> = await m.query(
    `SELECT c.kind, g.case_number, a.title, to_char(c.statement_due_on, 'YYYY-MM-DD') AS statement_due_on
       FROM grant_status_change c JOIN grant_award g ON g.id = c.grant_id JOIN application a ON a.id = g.application_id
      WHERE c.id = $1 AND c.status = 'CONFIRMED'`,
    [id],
  );
  return c ? { kind: c.kind, caseNumber: c.case_number, projectTitle: c.title, statementDueOn: c.statement_due_on } : null;
}
