import { EntityManager } from 'typeorm';
import { ApplicationContent } from '../applications/application-content';
import { exactTimeSql } from '../common/pagination';
import { sqlOre } from '../database/sql-numbers';

/** What a grant's acceptance steps need of its application: the frozen version (contacts, lead) and its title. */
export interface GrantCase {
  projectTitle: string;
  content: ApplicationContent;
}

export async function grantCase(m: EntityManager, applicationId: string): Promise<GrantCase> {
  const [row]: Array<{ title: string; content: ApplicationContent }> = await m.query(
    `SELECT v.content->>'title' AS title, v.content
       FROM application a JOIN application_version v ON v.application_id = a.id AND v.version = a.current_version
      WHERE a.id = $1`,
    [applicationId],
  );
  if (!row) throw new Error(`application ${applicationId} has no submitted version`);
  return { projectTitle: row.title, content: row.content };
}

/** Grants still awaiting acceptance whose deadline has come (the oldest first), unlocked: each is locked in its own step. */
export async function grantsPastAcceptance(m: EntityManager, now: Date, limit: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(
    `SELECT id FROM grant_award WHERE status = 'AWAITING_ACCEPTANCE' AND accept_by <= $1 ORDER BY accept_by, id LIMIT $2`,
    [now.toISOString(), limit],
  );
  return rows.map((r) => r.id);
}

/** The grant, locked, if it still awaits acceptance past its deadline; null when another worker has it or it moved on. */
export async function lockLapsing(m: EntityManager, id: string, now: Date): Promise<boolean> {
  const rows: Array<{ id: string }> = await m.query(
    `SELECT id FROM grant_award WHERE id = $1 AND status = 'AWAITING_ACCEPTANCE' AND accept_by <= $2 FOR UPDATE SKIP LOCKED`,
    [id, now.toISOString()],
  );
  return rows.length > 0;
}

/**
 * Grants awaiting acceptance whose deadline is within the reminder lead time of their call's rules (the call version
 * the application was submitted under; calls from before the rules had it use `defaultDays`).
 */
export async function grantsDueForReminder(
  m: EntityManager,
  now: Date,
  defaultDays: number,
): Promise<Array<{ id: string; caseNumber: string; acceptBy: Date; reminderDays: number; content: ApplicationContent }>> {
  const rows: Array<{ id: string; case_number: string; accept_by: Date; days: number; content: ApplicationContent }> = await m.query(
    `SELECT g.id, g.case_number, g.accept_by, r.days, v.content
       FROM grant_award g
       JOIN application a ON a.id = g.application_id
       JOIN application_version v ON v.application_id = a.id AND v.version = a.current_version
       JOIN call_version cv ON cv.call_id = a.call_id AND cv.version = v.call_version
       CROSS JOIN LATERAL (SELECT COALESCE((cv.content->'rules'->'decisions'->>'acceptanceReminderDays')::int, $2::int) AS days) r
      WHERE g.status = 'AWAITING_ACCEPTANCE' AND g.accept_by > $1
        AND g.accept_by - make_interval(days => r.days) <= $1`,
    [now.toISOString(), defaultDays],
  );
  return rows.map((r) => ({
    id: r.id,
    caseNumber: r.case_number,
    acceptBy: new Date(r.accept_by),
    reminderDays: Number(r.days),
    content: r.content,
  }));
}

/** The call's budget and what is committed of it, in øre, the call's row locked FOR UPDATE; undefined if no such call. */
export async function lockCallBudget(m: EntityManager, callId: string): Promise<{ budgetOre: number; committedOre: number } | undefined> {
  const [row]: Array<{ budget_ore: string; committed_ore: string }> = await m.query(
    `SELECT budget_ore::text AS budget_ore, committed_ore::text AS committed_ore FROM call WHERE id = $1 FOR UPDATE`,
    [callId],
  );
  return row ? { budgetOre: sqlOre(row.budget_ore), committedOre: sqlOre(row.committed_ore) } : undefined;
}

export async function addToCommitted(m: EntityManager, callId: string, deltaOre: number): Promise<void> {
  await m.query(`UPDATE call SET committed_ore = committed_ore + $2 WHERE id = $1`, [callId, deltaOre]);
}

/** The application's grant in one of the states, locked FOR UPDATE. */
export async function lockGrantOfApplicationIn(
  m: EntityManager,
  applicationId: string,
  states: readonly string[],
): Promise<string | undefined> {
  const [row]: Array<{ id: string }> = await m.query(
    `SELECT id FROM grant_award WHERE application_id = $1 AND status = ANY($2::text[]) FOR UPDATE`,
    [applicationId, states],
  );
  return row?.id;
}

/** The grant's payments neither cancelled nor returned, locked FOR UPDATE. */
export function lockLivePaymentsOfGrant(
  m: EntityManager,
  grantId: string,
): Promise<Array<{ id: string; status: string; trigger: string }>> {
  return m.query(`SELECT id, status, trigger FROM payment WHERE grant_id = $1 AND status NOT IN ('CANCELLED','RETURNED') FOR UPDATE`, [
    grantId,
  ]);
}

/** The grant's PLANNED payments with one of the triggers. */
export async function plannedPaymentsWithTriggers(m: EntityManager, grantId: string, triggers: string[]): Promise<string[]> {
  const rows: Array<{ id: string }> = await m.query(
    `SELECT id FROM payment WHERE grant_id = $1 AND status = 'PLANNED' AND trigger = ANY($2::text[])`,
    [grantId, triggers],
  );
  return rows.map((r) => r.id);
}

/** One page of grant ids, the newest first, under the conditions (SQL over `g`, the grant, with their parameters). */
export function grantPage(
  m: EntityManager,
  where: readonly string[],
  params: unknown[],
  limit: number,
): Promise<Array<{ id: string; at: string }>> {
  return m.query(
    `SELECT g.id, ${exactTimeSql('g.created_at')} AS at FROM grant_award g WHERE ${where.join(' AND ')}
        ORDER BY g.created_at DESC, g.id DESC LIMIT ${limit + 1}`,
    params,
  );
}
