import { EntityManager } from 'typeorm';
import { ApplicationContent } from '../applications/application-content';
import { CallRules } from '../calls/call-rules';
import { sqlOre } from '../database/sql-numbers';
import { AllocationProposalLine } from './entities/assessment.entity';

/**
 * The assessment module's raw SQL, one function per query returning typed rows (snake_case, as the database names
 * them, unless the query itself renames). Callers pass the EntityManager: the one of their transaction, or
 * dataSource.manager outside one; a lock taken here holds until the caller's transaction ends. The rules stay in the
 * services.
 */

/* ------------------------------------------------------------------ ties */

export interface TieRow {
  organisation_id: string;
  name: string;
  kind: string;
  description: string | null;
  valid_from: string | null;
  valid_to: string | null;
}

/** A user's declared ties in their order, the dates as text. */
export function tiesOf(m: EntityManager, userId: string): Promise<TieRow[]> {
  return m.query(
    `SELECT t.organisation_id, o.name, t.kind, t.description, t.valid_from::text AS valid_from, t.valid_to::text AS valid_to
         FROM assessor_tie t JOIN organisation o ON o.id = t.organisation_id WHERE t.user_id = $1 ORDER BY t.position`,
    [userId],
  );
}

export async function userExists(m: EntityManager, id: string): Promise<boolean> {
  const rows: Array<{ id: string }> = await m.query(`SELECT id FROM app_user WHERE id = $1`, [id]);
  return rows.length > 0;
}

/** Which of these organisation ids exist. */
export async function knownOrganisations(m: EntityManager, ids: string[]): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(`SELECT id FROM organisation WHERE id = ANY($1::uuid[])`, [ids]);
  return rows.map((r) => r.id);
}

/** Locks the user's row until the transaction ends (one replacement of its ties at a time). */
export async function lockUser(m: EntityManager, userId: string): Promise<void> {
  await m.query(`SELECT id FROM app_user WHERE id = $1 FOR UPDATE`, [userId]);
}

export interface BlockingTieRow {
  organisation_id: string;
  name: string;
  kind: string;
  source: 'declared' | 'user-organisation';
}

/** Declared ties still holding or ended less than `coolingOffMonths` before `today`, and the organisations the user acts for. */
export function blockingTieRows(
  m: EntityManager,
  userId: string,
  organisationIds: string[],
  today: string,
  coolingOffMonths: number,
): Promise<BlockingTieRow[]> {
  return m.query(
    `SELECT t.organisation_id, o.name, t.kind, 'declared' AS source
         FROM assessor_tie t JOIN organisation o ON o.id = t.organisation_id
        WHERE t.user_id = $1 AND t.organisation_id = ANY($2::uuid[])
          AND (t.valid_to IS NULL OR t.valid_to >= $3::date - make_interval(months => $4))
       UNION ALL
       SELECT uo.organisation_id, o.name, 'EMPLOYED', 'user-organisation'
         FROM user_organisation uo JOIN organisation o ON o.id = uo.organisation_id
        WHERE uo.user_id = $1 AND uo.organisation_id = ANY($2::uuid[])
        ORDER BY 2, 3`,
    [userId, organisationIds, today, coolingOffMonths],
  );
}

/** The organisation ids of a consortium's current members. */
export async function consortiumMemberIds(m: EntityManager, consortiumId: string): Promise<string[]> {
  const rows: Array<{ organisation_id: string }> = await m.query(`SELECT organisation_id FROM consortium_member WHERE consortium_id = $1`, [
    consortiumId,
  ]);
  return rows.map((r) => r.organisation_id);
}

/* ------------------------------------------------------------------ assignment */

export interface CallStatusRow {
  id: string;
  status: string;
}

/** Locks the call until the transaction ends. */
export async function lockCallStatus(m: EntityManager, callId: string): Promise<CallStatusRow | undefined> {
  const [row]: CallStatusRow[] = await m.query(`SELECT id, status FROM call WHERE id = $1 FOR UPDATE`, [callId]);
  return row;
}

/** The call's applications in these statuses, by case number, locked until the transaction ends. */
export async function lockApplicationsOfCall(m: EntityManager, callId: string, statuses: readonly string[]): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(
    `SELECT id FROM application WHERE call_id = $1 AND status = ANY($2::text[]) ORDER BY case_number FOR UPDATE`,
    [callId, statuses],
  );
  return rows.map((r) => r.id);
}

export interface AssessorLoadRow {
  assessor_user_id: string;
  n: number;
}

/** How many assignments in these statuses each assessor has in the call. */
export function assessorLoads(m: EntityManager, callId: string, statuses: readonly string[]): Promise<AssessorLoadRow[]> {
  return m.query(
    `SELECT assessor_user_id, count(*)::int AS n FROM assessment_assignment WHERE call_id = $1 AND status = ANY($2::text[]) GROUP BY 1`,
    [callId, statuses],
  );
}

export interface ContactRow {
  id: string;
  email: string;
  display_name: string;
}

export async function activeUserContact(m: EntityManager, userId: string | null): Promise<ContactRow | undefined> {
  const [row]: ContactRow[] = await m.query(`SELECT id, email, display_name FROM app_user WHERE id = $1 AND active`, [userId]);
  return row;
}

/** The call version's title as stored (jsonb). */
export async function callVersionTitle(
  m: EntityManager,
  callId: string,
  version: number,
): Promise<{ title: { nb: string; nn: string } } | undefined> {
  const [row]: Array<{ title: { nb: string; nn: string } }> = await m.query(
    `SELECT content->'title' AS title FROM call_version WHERE call_id = $1 AND version = $2`,
    [callId, version],
  );
  return row;
}

export interface ScoreUpsert {
  assignmentId: string;
  criterionId: string;
  callId: string;
  callVersion: number;
  scaleMin: number;
  scaleMax: number;
  naAllowed: boolean;
  score: number | null;
  notApplicable: boolean;
  rationale: string | null;
  updatedAt: Date;
}

/** One criterion's score of an assignment, inserted or replaced. */
export async function upsertScore(m: EntityManager, s: ScoreUpsert): Promise<void> {
  await m.query(
    `INSERT INTO assessment_score (assignment_id, criterion_id, call_id, call_version, scale_min, scale_max, na_allowed, score, not_applicable, rationale, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (assignment_id, criterion_id) DO UPDATE SET score = EXCLUDED.score, not_applicable = EXCLUDED.not_applicable,
             rationale = EXCLUDED.rationale, updated_at = EXCLUDED.updated_at`,
    [
      s.assignmentId,
      s.criterionId,
      s.callId,
      s.callVersion,
      s.scaleMin,
      s.scaleMax,
      s.naAllowed,
      s.score,
      s.notApplicable,
      s.rationale,
      s.updatedAt,
    ],
  );
}

export async function touchAssignment(m: EntityManager, id: string, now: Date): Promise<void> {
  await m.query(`UPDATE assessment_assignment SET updated_at = $2 WHERE id = $1`, [id, now]);
}

export async function callExists(m: EntityManager, callId: string): Promise<boolean> {
  return (await m.query(`SELECT 1 FROM call WHERE id = $1`, [callId])).length > 0;
}

/** An application that has a case number (was submitted). */
export async function submittedApplicationExists(m: EntityManager, applicationId: string): Promise<boolean> {
  return (await m.query(`SELECT 1 FROM application WHERE id = $1 AND case_number IS NOT NULL`, [applicationId])).length > 0;
}

export async function applicationOfAssignment(m: EntityManager, id: string): Promise<string | undefined> {
  const [row]: Array<{ application_id: string }> = await m.query(`SELECT application_id FROM assessment_assignment WHERE id = $1`, [id]);
  return row?.application_id;
}

/** Locks the application's row until the transaction ends. */
export async function lockApplication(m: EntityManager, applicationId: string): Promise<void> {
  await m.query(`SELECT id FROM application WHERE id = $1 FOR UPDATE`, [applicationId]);
}

export interface AssignmentKeyRow {
  id: string;
  case_number: string;
  display_name: string;
  content: ApplicationContent;
}

/** Assignments under a condition (`where` over a, ap, u, v; its own parameters), with case number, assessor and content. */
export function assignmentKeys(m: EntityManager, where: string, params: unknown[]): Promise<AssignmentKeyRow[]> {
  return m.query(
    `SELECT a.id, ap.case_number, u.display_name, v.content
         FROM assessment_assignment a
         JOIN application ap ON ap.id = a.application_id
         JOIN app_user u ON u.id = a.assessor_user_id
         JOIN application_version v ON v.application_id = a.application_id AND v.version = a.application_version
        WHERE ${where}
        ORDER BY a.assigned_at, a.id`,
    params,
  );
}

export interface AssessorUserRow {
  id: string;
  display_name: string;
  roles: string[];
  active: boolean;
}

export async function assessorUserRow(m: EntityManager, id: string): Promise<AssessorUserRow | undefined> {
  const [row]: AssessorUserRow[] = await m.query(`SELECT id, display_name, roles, active FROM app_user WHERE id = $1`, [id]);
  return row;
}

/* ------------------------------------------------------------------ ranking and allocation */

export interface RankingCallRow {
  id: string;
  status: string;
  budgetOre: number;
  rules: CallRules;
}

/** The call with its budget in øre; locked until the transaction ends when `lock`. */
export async function rankingCall(m: EntityManager, callId: string, lock: boolean): Promise<RankingCallRow | undefined> {
  const [row]: Array<{ id: string; status: string; budget_ore: string; rules: CallRules }> = await m.query(
    `SELECT id, status, budget_ore::text AS budget_ore, rules FROM call WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [callId],
  );
  if (!row) return undefined;
  return { id: row.id, status: row.status, budgetOre: sqlOre(row.budget_ore, { what: "the call's budget" }), rules: row.rules };
}

export interface RankedApplicationRow {
  id: string;
  case_number: string;
  status: string;
  content: ApplicationContent;
  call_version: number;
  first_submitted_at: Date;
  submitted_at: Date;
}

/** The call's applications in these statuses, with their current version and first submission. */
export function rankedApplications(m: EntityManager, callId: string, statuses: readonly string[]): Promise<RankedApplicationRow[]> {
  return m.query(
    `SELECT a.id, a.case_number, a.status, v.content, v.call_version, v.submitted_at,
                (SELECT min(f.submitted_at) FROM application_version f WHERE f.application_id = a.id) AS first_submitted_at
           FROM application a JOIN application_version v ON v.application_id = a.id AND v.version = a.current_version
          WHERE a.call_id = $1 AND a.status = ANY($2::text[])`,
    [callId, statuses],
  );
}

/** A call version's content (jsonb; its rules are what ranking reads). */
export async function callVersionContent(
  m: EntityManager,
  callId: string,
  version: number,
): Promise<{ content: { rules: CallRules } } | undefined> {
  const [row]: Array<{ content: { rules: CallRules } }> = await m.query(
    `SELECT content FROM call_version WHERE call_id = $1 AND version = $2`,
    [callId, version],
  );
  return row;
}

/** The latest proposal version of the call; null when it has none. */
export async function latestProposalVersion(m: EntityManager, callId: string): Promise<number | null> {
  const [{ latest }]: Array<{ latest: number | null }> = await m.query(
    `SELECT max(version) AS latest FROM allocation_proposal WHERE call_id = $1`,
    [callId],
  );
  return latest;
}

export async function nextProposalVersion(m: EntityManager, callId: string): Promise<number> {
  const [{ next }]: Array<{ next: number }> = await m.query(
    `SELECT COALESCE(max(version), 0) + 1 AS next FROM allocation_proposal WHERE call_id = $1`,
    [callId],
  );
  return next;
}

export type ProposalLineRow = AllocationProposalLine & { case_number: string; title: string };

/** A proposal's lines by rank (unranked last), the amounts as text. */
export function proposalLines(m: EntityManager, proposalId: string): Promise<ProposalLineRow[]> {
  return m.query(
    `SELECT l.application_id AS "applicationId", l.rank, l.score, l.requested_ore::text AS "requestedOre", l.max_allowed_ore::text AS "maxAllowedOre",
              l.proposed_ore::text AS "proposedOre", l.outcome, l.note, l.adjustment_reason AS "adjustmentReason", a.case_number, a.title
         FROM allocation_proposal_line l JOIN application a ON a.id = l.application_id
        WHERE l.proposal_id = $1 ORDER BY l.rank NULLS LAST, a.case_number`,
    [proposalId],
  );
}

/* ------------------------------------------------------------------ notifications */

export interface ConflictMailRow {
  case_number: string;
  title: string;
  display_name: string;
  conflict_description: string | null;
}

/** A recused assignment's application and assessor; undefined when it is not (or no longer) recused. */
export async function recusedAssignment(m: EntityManager, id: string): Promise<ConflictMailRow | undefined> {
  const [row]: ConflictMailRow[] = await m.query(
    `SELECT ap.case_number, ap.title, u.display_name, a.conflict_description
             FROM assessment_assignment a JOIN application ap ON ap.id = a.application_id JOIN app_user u ON u.id = a.assessor_user_id
            WHERE a.id = $1 AND a.status = 'RECUSED'`,
    [id],
  );
  return row;
}

export interface OpenAssignmentRow {
  case_number: string;
  title: string;
  due_at: Date;
}

/** An assignment still to be assessed (assigned or declared); undefined otherwise. */
export async function openAssignment(m: EntityManager, id: string): Promise<OpenAssignmentRow | undefined> {
  const [row]: OpenAssignmentRow[] = await m.query(
    `SELECT ap.case_number, ap.title, a.due_at FROM assessment_assignment a JOIN application ap ON ap.id = a.application_id
            WHERE a.id = $1 AND a.status IN ('ASSIGNED','DECLARED')`,
    [id],
  );
  return row;
}

export interface DueAssignmentRow {
  id: string;
  case_number: string;
  due_at: Date;
  email: string;
  display_name: string;
  user_id: string;
  days: number;
}

/** Open assignments whose reminder lead time (the call's reminderDaysBefore, else `defaultDays`) has begun at `now`. */
export function assignmentsDueForReminder(m: EntityManager, now: Date, defaultDays: number): Promise<DueAssignmentRow[]> {
  return m.query(
    `SELECT a.id, ap.case_number, a.due_at, u.email, u.display_name, u.id AS user_id, r.days
               FROM assessment_assignment a
               JOIN application ap ON ap.id = a.application_id
               JOIN app_user u ON u.id = a.assessor_user_id AND u.active
               JOIN call_version cv ON cv.call_id = a.call_id AND cv.version = a.call_version
               CROSS JOIN LATERAL (SELECT COALESCE((cv.content->'rules'->'assessment'->>'reminderDaysBefore')::int, $2) AS days) r
              WHERE a.status IN ('ASSIGNED','DECLARED') AND a.due_at > $1
                AND a.due_at <= $1::timestamptz + make_interval(days => r.days)
                -- an assignment made with less notice than the lead time needs no reminder yet
                AND a.assigned_at <= a.due_at - make_interval(days => r.days)`,
    [now.toISOString(), defaultDays],
  );
}
