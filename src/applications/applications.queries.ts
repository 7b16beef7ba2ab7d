import { EntityManager } from 'typeorm';
import { exactTimeSql } from '../common/pagination';
import { SqlFilter } from '../common/sql-filter';
import { sqlInteger, sqlOre } from '../database/sql-numbers';
import { ApplicationContent } from './application-content';

/**
 * The applications module's raw SQL, one function per query returning typed rows (budget lines and the submitted
 * facts have their own files). Callers pass the EntityManager of their transaction, or dataSource.manager outside
 * one; the rules stay in the services.
 */

/* ------------------------------------------------------------------ lists */

export interface ApplicationSummaryRow {
  id: string;
  status: string;
  case_number: string | null;
  call_id: string;
  measure_code: string;
  title: string;
  consortium_id: string;
  consortium_name: string;
  lead_municipality: string;
  health_region: string;
  requested_amount_ore: number | null;
  submitted_at: Date | null;
  created_at: Date;
  /** created_at as exact text: the cursor key. */
  cursor_time: string;
}

/** One page of applications in creation order, under the filter (the access policy, the list's own conditions). */
export async function applicationSummaryPage(m: EntityManager, f: SqlFilter, limit: number): Promise<ApplicationSummaryRow[]> {
  const rows: ApplicationSummaryRow[] = await m.query(
    `SELECT a.id, a.status, a.case_number, a.call_id, c.measure_code, a.title, a.consortium_id, co.name AS consortium_name,
            lo.municipality_number AS lead_municipality, lo.health_region, a.requested_amount_ore, a.submitted_at, a.created_at,
            ${exactTimeSql('a.created_at')} AS cursor_time
       FROM application a
       JOIN call c ON c.id = a.call_id
       JOIN consortium co ON co.id = a.consortium_id
       JOIN organisation lo ON lo.id = co.lead_organisation_id
      ${f.clause}
      ORDER BY a.created_at, a.id
      LIMIT ${f.bind(limit)}`,
    f.params,
  );
  return rows.map((r) => ({
    ...r,
    requested_amount_ore: r.requested_amount_ore === null ? null : sqlOre(r.requested_amount_ore, { what: 'the requested amount' }),
  }));
}

/** The first application (by case number) of the consortium in one of the states, if any. */
export async function applicationOfConsortiumNotIn(
  m: EntityManager,
  consortiumId: string,
  states: readonly string[],
): Promise<{ case_number: string; status: string } | undefined> {
  const [row]: Array<{ case_number: string; status: string }> = await m.query(
    `SELECT case_number, status FROM application
      WHERE consortium_id = $1 AND status <> ALL($2::text[]) ORDER BY case_number LIMIT 1`,
    [consortiumId, states],
  );
  return row;
}

/** Case numbers of the call's applications in one of the states, by case number, at most `limit`. */
export async function caseNumbersOfCallIn(m: EntityManager, callId: string, states: readonly string[], limit: number): Promise<string[]> {
  const rows: Array<{ case_number: string }> = await m.query(
    `SELECT case_number FROM application WHERE call_id = $1 AND status = ANY($2::text[]) ORDER BY case_number LIMIT $3`,
    [callId, states, limit],
  );
  return rows.map((r) => r.case_number);
}

/* ------------------------------------------------------------------ one application per municipality per call */

export interface HeldMunicipalityRow {
  municipality_number: string;
  case_number: string;
}

/** Municipalities other applications of the call hold, with their case numbers. */
export function municipalitiesHeldByOthers(m: EntityManager, callId: string, applicationId: string): Promise<HeldMunicipalityRow[]> {
  return m.query(
    `SELECT am.municipality_number, a.case_number
       FROM application_municipality am JOIN application a ON a.id = am.application_id
      WHERE am.call_id = $1 AND am.application_id <> $2`,
    [callId, applicationId],
  );
}

export async function releaseMunicipalities(m: EntityManager, applicationId: string): Promise<void> {
  await m.query(`DELETE FROM application_municipality WHERE application_id = $1`, [applicationId]);
}

/**
 * Holds the municipalities (kommunenummer, inserted in the given order) in the call for the application and returns
 * those it got: one another application holds, or a concurrent insert committed first, is skipped.
 */
export async function holdMunicipalities(m: EntityManager, callId: string, applicationId: string, numbers: string[]): Promise<string[]> {
  const rows: Array<{ municipality_number: string }> = await m.query(
    `INSERT INTO application_municipality (call_id, municipality_number, application_id)
     SELECT $1, n, $2 FROM unnest($3::char(4)[]) WITH ORDINALITY AS u(n, i) ORDER BY i
     ON CONFLICT (call_id, municipality_number) DO NOTHING
     RETURNING municipality_number`,
    [callId, applicationId, numbers],
  );
  return rows.map((r) => r.municipality_number);
}

/* ------------------------------------------------------------------ the case file */

/** Takes the year's next case number (1 for the first case of the year). */
export async function nextCaseNumber(m: EntityManager, year: number): Promise<number> {
  const [row]: Array<{ last_number: unknown }> = await m.query(
    `INSERT INTO case_number_counter (year, last_number) VALUES ($1, 1)
     ON CONFLICT (year) DO UPDATE SET last_number = case_number_counter.last_number + 1
     RETURNING last_number`,
    [year],
  );
  return sqlInteger(row.last_number, { what: 'the case number' });
}

/** The case file's last journal entry number, its row locked until the transaction ends; undefined if no such case. */
export async function lockLastEntrySeq(m: EntityManager, caseNumber: string): Promise<number | undefined> {
  const [row]: Array<{ last_entry_seq: unknown }> = await m.query(
    `SELECT last_entry_seq FROM case_file WHERE case_number = $1 FOR UPDATE`,
    [caseNumber],
  );
  return row ? sqlInteger(row.last_entry_seq, { what: 'the last journal entry number' }) : undefined;
}

export async function setLastEntrySeq(m: EntityManager, caseNumber: string, seq: number): Promise<void> {
  await m.query(`UPDATE case_file SET last_entry_seq = $2 WHERE case_number = $1`, [caseNumber, seq]);
}

/* ------------------------------------------------------------------ attachments */

/** How many attachments the application has (not removed), and their bytes together. */
export async function attachmentUsage(m: EntityManager, applicationId: string): Promise<{ count: number; bytes: number }> {
  const [row]: Array<{ n: unknown; bytes: unknown }> = await m.query(
    `SELECT count(*) AS n, COALESCE(sum(size_bytes), 0) AS bytes FROM application_attachment WHERE application_id = $1 AND removed_at IS NULL`,
    [applicationId],
  );
  return {
    count: sqlInteger(row.n, { what: 'the number of attachments' }),
    bytes: sqlInteger(row.bytes, { what: 'the attachment bytes' }),
  };
}

/** The member whose letter of intent the attachment is, if it is one. */
export async function letterOfIntentOwner(m: EntityManager, attachmentId: string): Promise<string | undefined> {
  const [row]: Array<{ name: string }> = await m.query(
    `SELECT o.name FROM consortium_member cm JOIN organisation o ON o.id = cm.organisation_id WHERE cm.letter_attachment_id = $1 LIMIT 1`,
    [attachmentId],
  );
  return row?.name;
}

/* ------------------------------------------------------------------ reminders */

export interface CompletionDueRow {
  id: string;
  case_number: string;
  completion_due_at: Date;
  content: ApplicationContent;
}

/**
 * Returned applications whose completion deadline falls in (from, to], with the current version's content; a deadline
 * given with less notice than `leadDays` was announced by its own mail and is left out.
 */
export function completionsDue(m: EntityManager, from: Date, to: Date, leadDays: number): Promise<CompletionDueRow[]> {
  return m.query(
    `SELECT a.id, a.case_number, a.completion_due_at, v.content
       FROM application a JOIN application_version v ON v.application_id = a.id AND v.version = a.current_version
      WHERE a.status = 'RETURNED' AND a.completion_due_at > $1 AND a.completion_due_at <= $2
        AND (SELECT max(st.occurred_at) FROM state_transition st
              WHERE st.entity_type = 'application' AND st.entity_id = a.id AND st.event IN ('return_for_completion', 'extend_completion'))
            <= a.completion_due_at - make_interval(days => $3)`,
    [from.toISOString(), to.toISOString(), leadDays],
  );
}
