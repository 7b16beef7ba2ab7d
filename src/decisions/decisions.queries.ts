import { EntityManager } from 'typeorm';
import { ApplicationContent } from '../applications/application-content';
import { CallRules } from '../calls/call-rules';
import { isUuid } from '../common/uuid';
import { sqlOre } from '../database/sql-numbers';
import { DecisionState } from './decision.workflow';
import { AppealBodyOutcome } from './entities/decision.entity';

/** An application as a decision needs it: its state, the frozen content, and the rules of the call version it was submitted under. */
export interface ApplicationForDecision {
  id: string;
  status: string;
  callId: string;
  consortiumId: string;
  caseNumber: string;
  currentVersion: number;
  content: ApplicationContent;
  rules: CallRules;
  callTitle: { nb: string; nn: string };
  firstSubmittedAt: Date;
}

/** The application, locked FOR UPDATE when asked (a decision's approval moves its state). */
export async function applicationForDecision(m: EntityManager, id: string, lock = false): Promise<ApplicationForDecision | null> {
  if (!isUuid(id)) return null;
  if (lock) await m.query(`SELECT 1 FROM application WHERE id = $1 FOR UPDATE`, [id]);
  const rows: Array<{
    id: string;
    status: string;
    call_id: string;
    consortium_id: string;
    case_number: string | null;
    current_version: number;
    content: ApplicationContent | null;
    rules: CallRules | null;
    first_submitted_at: Date | null;
  }> = await m.query(
    `SELECT a.id, a.status, a.call_id, a.consortium_id, a.case_number, a.current_version, v.content, cv.content->'rules' AS rules,
            (SELECT min(f.submitted_at) FROM application_version f WHERE f.application_id = a.id) AS first_submitted_at
       FROM application a
       LEFT JOIN application_version v ON v.application_id = a.id AND v.version = a.current_version
       LEFT JOIN call_version cv ON cv.call_id = a.call_id AND cv.version = v.call_version
      WHERE a.id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r || !r.content || !r.case_number || !r.rules || !r.first_submitted_at) return null;
  return {
    id: r.id,
    status: r.status,
    callId: r.call_id,
    consortiumId: r.consortium_id,
    caseNumber: r.case_number,
    currentVersion: Number(r.current_version),
    content: r.content,
    rules: r.rules,
    callTitle: r.content.call.title,
    firstSubmittedAt: new Date(r.first_submitted_at),
  };
}

/** The latest allocation proposal line for the application in its call, if any proposal has one. */
export async function latestProposalLine(
  m: EntityManager,
  callId: string,
  applicationId: string,
): Promise<{ proposalId: string; proposedOre: number } | null> {
  const [row]: Array<{ proposal_id: string; proposed_ore: string }> = await m.query(
    `SELECT l.proposal_id, l.proposed_ore::text AS proposed_ore
       FROM allocation_proposal p JOIN allocation_proposal_line l ON l.proposal_id = p.id
      WHERE p.call_id = $1 AND l.application_id = $2
      ORDER BY p.version DESC LIMIT 1`,
    [callId, applicationId],
  );
  return row ? { proposalId: row.proposal_id, proposedOre: sqlOre(row.proposed_ore) } : null;
}

/** Decisions of the other applications of the call that are proposed or in force, for the rank-order check. */
export async function otherDecisionsOfCall(
  m: EntityManager,
  callId: string,
  applicationId: string,
): Promise<
  Array<{
    applicationId: string;
    caseNumber: string;
    outcome: string;
    amountOre: number;
    requestedOre: number;
    maxAllowedOre: number;
    status: string;
  }>
> {
  const rows: Array<{
    application_id: string;
    case_number: string;
    outcome: string;
    amount_ore: string;
    requested_ore: string;
    max_allowed_ore: string;
    status: string;
  }> = await m.query(
    `SELECT d.application_id, a.case_number, d.outcome, d.amount_ore::text AS amount_ore, d.requested_ore::text AS requested_ore,
            d.max_allowed_ore::text AS max_allowed_ore, d.status
       FROM decision d JOIN application a ON a.id = d.application_id
      WHERE d.call_id = $1 AND d.application_id <> $2 AND d.status IN ('PROPOSED', 'APPROVED', 'SENT')`,
    [callId, applicationId],
  );
  return rows.map((r) => ({
    applicationId: r.application_id,
    caseNumber: r.case_number,
    outcome: r.outcome,
    amountOre: sqlOre(r.amount_ore),
    requestedOre: sqlOre(r.requested_ore),
    maxAllowedOre: sqlOre(r.max_allowed_ore),
    status: r.status,
  }));
}

/** A user's display name for letters (the officer and the approver sign them). */
export async function userName(m: EntityManager, userId: string): Promise<string> {
  const [row]: Array<{ display_name: string }> = await m.query(`SELECT display_name FROM app_user WHERE id = $1`, [userId]);
  return row?.display_name ?? '';
}

/* ------------------------------------------------------------------ decisions */

/** The lines of an allocation proposal (by rank, unranked last): each application and the amount proposed for it. */
export function allocationProposalLines(
  m: EntityManager,
  proposalId: string,
): Promise<Array<{ application_id: string; proposed_ore: string }>> {
  return m.query(
    `SELECT l.application_id, l.proposed_ore::text AS proposed_ore FROM allocation_proposal_line l
            WHERE l.proposal_id = $1 ORDER BY l.rank NULLS LAST, l.application_id`,
    [proposalId],
  );
}

/** A decision of the application still in preparation (draft, proposed or returned), if any. */
export async function decisionInPreparation(m: EntityManager, applicationId: string): Promise<{ id: string } | undefined> {
  const [busy]: Array<{ id: string }> = await m.query(
    `SELECT id FROM decision WHERE application_id = $1 AND status IN ('DRAFT','PROPOSED','RETURNED')`,
    [applicationId],
  );
  return busy;
}

/** A reversal being prepared on the appeal (a decision draft, proposed or returned), if any. */
export async function reversalInPreparation(m: EntityManager, appealId: string): Promise<{ id: string } | undefined> {
  const [busy]: Array<{ id: string }> = await m.query(
    `SELECT id FROM decision WHERE appeal_id = $1 AND status IN ('DRAFT','PROPOSED','RETURNED')`,
    [appealId],
  );
  return busy;
}

export async function decisionStatus(m: EntityManager, id: string): Promise<DecisionState> {
  const [row]: Array<{ status: DecisionState }> = await m.query(`SELECT status FROM decision WHERE id = $1`, [id]);
  return row.status;
}

/** Whether the decision exists; its row locked FOR UPDATE. */
export async function lockDecisionRow(m: EntityManager, id: string): Promise<boolean> {
  const [row] = await m.query(`SELECT id FROM decision WHERE id = $1 FOR UPDATE`, [id]);
  return !!row;
}

/**
 * The application's decisions under the condition (SQL over `d`, the decision; $1 is the application, the condition's
 * values follow in `params`), oldest first.
 */
export async function decisionIdsOfApplication(m: EntityManager, condition: string, params: unknown[]): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(
    `SELECT d.id FROM decision d WHERE d.application_id = $1 AND ${condition} ORDER BY d.created_at, d.id`,
    params,
  );
  return rows.map((r) => r.id);
}

/** One page of decision ids, the latest changed first, under the conditions (SQL over `d`, with their parameters). */
export function decisionPage(
  m: EntityManager,
  where: readonly string[],
  params: unknown[],
  limit: number,
): Promise<Array<{ id: string; at: string }>> {
  return m.query(
    `SELECT d.id, to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM decision d
        WHERE ${where.join(' AND ')} ORDER BY d.updated_at DESC, d.id DESC LIMIT ${limit + 1}`,
    params,
  );
}

export interface DecisionFactsRow {
  case_number: string;
  pdf_sha256: string | null;
  appeal_deadline: string | null;
  accept_by: Date | null;
  journal_seq: number | null;
  grant_id: string | null;
}

/** What a decision's view shows beside the decision: its case, its letter, and the grant it made (the latest). */
export async function decisionFacts(m: EntityManager, decisionId: string): Promise<DecisionFactsRow> {
  const [facts]: DecisionFactsRow[] = await m.query(
    `SELECT a.case_number, l.pdf_sha256, to_char(l.appeal_deadline, 'YYYY-MM-DD') AS appeal_deadline, l.accept_by, l.journal_seq,
              (SELECT g.id FROM grant_award g WHERE g.decision_id = d.id ORDER BY g.created_at DESC LIMIT 1) AS grant_id
         FROM decision d JOIN application a ON a.id = d.application_id LEFT JOIN decision_letter l ON l.decision_id = d.id
        WHERE d.id = $1`,
    [decisionId],
  );
  return facts;
}

export async function caseNumberOfApplication(m: EntityManager, applicationId: string): Promise<string> {
  const [a]: Array<{ case_number: string }> = await m.query(`SELECT case_number FROM application WHERE id = $1`, [applicationId]);
  return a.case_number;
}

export interface DecisionMailRow {
  case_number: string;
  title: string;
  outcome: string;
  amount_ore: string;
  appeal_deadline: string;
  accept_by: Date | null;
}

/** What the decision mail needs of the decision and its letter; undefined until the letter exists. */
export async function decisionMailRow(m: EntityManager, decisionId: string): Promise<DecisionMailRow | undefined> {
  const [row]: DecisionMailRow[] = await m.query(
    `SELECT a.case_number, a.title, d.outcome, d.amount_ore::text AS amount_ore, to_char(l.appeal_deadline, 'YYYY-MM-DD') AS appeal_deadline, l.accept_by
               FROM decision d JOIN application a ON a.id = d.application_id JOIN decision_letter l ON l.decision_id = d.id
              WHERE d.id = $1`,
    [decisionId],
  );
  return row;
}

/* ------------------------------------------------------------------ appeals */

export interface AppealMailRow {
  case_number: string;
  title: string;
  received_at: Date;
  deadline: string;
  late: boolean;
  appeal_body: string | null;
  recommendation: string | null;
  appeal_body_outcome: AppealBodyOutcome | null;
  appeal_body_decided_on: string | null;
  appeal_body_note: string | null;
  status: string;
}

/** What the appeal's mails need of it and its application. */
export async function appealMailRow(m: EntityManager, appealId: string): Promise<AppealMailRow | undefined> {
  const [row]: AppealMailRow[] = await m.query(
    `SELECT a.case_number, a.title, p.received_at, to_char(p.deadline, 'YYYY-MM-DD') AS deadline, p.late, p.appeal_body,
                p.recommendation, p.appeal_body_outcome, to_char(p.appeal_body_decided_on, 'YYYY-MM-DD') AS appeal_body_decided_on,
                p.appeal_body_note, p.status
           FROM appeal p JOIN application a ON a.id = p.application_id WHERE p.id = $1`,
    [appealId],
  );
  return row;
}

/** The decision's latest appeal, if any. */
export async function latestAppealOf(m: EntityManager, decisionId: string): Promise<{ id: string; status: string } | undefined> {
  const [open]: Array<{ id: string; status: string }> = await m.query(
    `SELECT id, status FROM appeal WHERE decision_id = $1 ORDER BY created_at DESC LIMIT 1`,
    [decisionId],
  );
  return open;
}

export async function appealAttachmentCount(m: EntityManager, appealId: string): Promise<number> {
  const [{ n }]: Array<{ n: number }> = await m.query(`SELECT count(*)::int AS n FROM appeal_attachment WHERE appeal_id = $1`, [appealId]);
  return n;
}

/**
 * The decision's appeals under the condition (SQL over `p`, the appeal; $1 is the decision, the condition's values
 * follow in `params`), oldest first.
 */
export async function appealIdsOfDecision(m: EntityManager, condition: string, params: unknown[]): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(
    `SELECT p.id FROM appeal p WHERE p.decision_id = $1 AND ${condition} ORDER BY p.created_at, p.id`,
    params,
  );
  return rows.map((r) => r.id);
}

export interface AppealFactsRow {
  case_number: string;
  reversal_id: string | null;
  reversal_status: string | null;
  decided_on: string | null;
  deadline: string;
}

/** What an appeal's view shows beside the appeal: its case and the latest reversal prepared on it. */
export async function appealFacts(m: EntityManager, appealId: string): Promise<AppealFactsRow> {
  const [facts]: AppealFactsRow[] = await m.query(
    `SELECT ap.case_number, r.id AS reversal_id, r.status AS reversal_status,
                to_char(p.appeal_body_decided_on, 'YYYY-MM-DD') AS decided_on, to_char(p.deadline, 'YYYY-MM-DD') AS deadline
           FROM appeal p JOIN application ap ON ap.id = p.application_id
           LEFT JOIN LATERAL (SELECT d.id, d.status FROM decision d WHERE d.appeal_id = p.id ORDER BY d.created_at DESC, d.id LIMIT 1) r ON TRUE
          WHERE p.id = $1`,
    [appealId],
  );
  return facts;
}
