import { EntityManager } from 'typeorm';
import { ApplicationContent } from '../applications/application-content';
import { CallRules } from '../calls/call-rules';
import { isUuid } from '../common/uuid';
import { sqlOre } from '../database/sql-numbers';

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
