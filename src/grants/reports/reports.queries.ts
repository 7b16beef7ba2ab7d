import { EntityManager } from 'typeorm';
import { ApplicationContent } from '../../applications/application-content';
import { CallReportRules } from '../../calls/call-rules';
import { isUuid } from '../../common/uuid';
import { sqlOre } from '../../database/sql-numbers';
import { GrantReportSchedule } from '../entities/grant.entity';
import { ReportContent, ReportKind, ReportSection } from './report-content';
import { ReportState } from './report.workflow';

/** A report row, dates as YYYY-MM-DD text (PGlite would make them Dates at UTC midnight). */
export interface ReportRow {
  id: string;
  status: ReportState;
  grantId: string;
  consortiumId: string;
  callId: string;
  applicationId: string;
  applicationVersion: number;
  caseNumber: string;
  kind: ReportKind;
  scheduleKey: string | null;
  title: string;
  questions: string[];
  sections: ReportSection[];
  benefitSummaryMaxLength: number;
  periodStart: string | null;
  periodEnd: string | null;
  dueOn: string;
  originalDueOn: string;
  content: Partial<ReportContent>;
  currentVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

const REPORT_COLUMNS = `r.id, r.status, r.grant_id, r.consortium_id, r.call_id, r.application_id, r.application_version, r.case_number,
  r.kind, r.schedule_key, r.title, r.questions, r.sections, r.benefit_summary_max_length,
  to_char(r.period_start, 'YYYY-MM-DD') AS period_start, to_char(r.period_end, 'YYYY-MM-DD') AS period_end,
  to_char(r.due_on, 'YYYY-MM-DD') AS due_on, to_char(r.original_due_on, 'YYYY-MM-DD') AS original_due_on,
  r.content, r.current_version, r.created_at, r.updated_at`;

interface RawReport {
  id: string;
  status: ReportState;
  grant_id: string;
  consortium_id: string;
  call_id: string;
  application_id: string;
  application_version: number;
  case_number: string;
  kind: ReportKind;
  schedule_key: string | null;
  title: string;
  questions: string[];
  sections: ReportSection[];
  benefit_summary_max_length: number;
  period_start: string | null;
  period_end: string | null;
  due_on: string;
  original_due_on: string;
  content: Partial<ReportContent>;
  current_version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

function toRow(r: RawReport): ReportRow {
  return {
    id: r.id,
    status: r.status,
    grantId: r.grant_id,
    consortiumId: r.consortium_id,
    callId: r.call_id,
    applicationId: r.application_id,
    applicationVersion: Number(r.application_version),
    caseNumber: r.case_number,
    kind: r.kind,
    scheduleKey: r.schedule_key,
    title: r.title,
    questions: r.questions,
    sections: r.sections,
    benefitSummaryMaxLength: Number(r.benefit_summary_max_length),
    periodStart: r.period_start,
    periodEnd: r.period_end,
    dueOn: r.due_on,
    originalDueOn: r.original_due_on,
    content: r.content,
    currentVersion: Number(r.current_version),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export async function findReport(m: EntityManager, id: string): Promise<ReportRow | null> {
  if (!isUuid(id)) return null;
  const rows: RawReport[] = await m.query(`SELECT ${REPORT_COLUMNS} FROM report r WHERE r.id = $1`, [id]);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function reportsById(m: EntityManager, ids: string[]): Promise<Map<string, ReportRow>> {
  if (!ids.length) return new Map();
  const rows: RawReport[] = await m.query(`SELECT ${REPORT_COLUMNS} FROM report r WHERE r.id = ANY($1::uuid[])`, [ids]);
  return new Map(rows.map((r) => [r.id, toRow(r)]));
}

/** A grant's reports (cancelled ones left out), by due date. */
export async function reportsOfGrant(m: EntityManager, grantId: string): Promise<ReportRow[]> {
  const rows: RawReport[] = await m.query(
    `SELECT ${REPORT_COLUMNS} FROM report r WHERE r.grant_id = $1 AND r.status <> 'CANCELLED' ORDER BY r.due_on, r.created_at, r.id`,
    [grantId],
  );
  return rows.map(toRow);
}

/** The grant as its reports need it: dates, schedule, the decided application version and the call's report rules. */
export interface GrantForReports {
  id: string;
  status: string;
  consortiumId: string;
  callId: string;
  applicationId: string;
  applicationVersion: number;
  caseNumber: string;
  amountOre: number;
  reportSchedule: GrantReportSchedule;
  projectStart: string | null;
  projectEnd: string | null;
  reportRules: CallReportRules | null;
}

export async function grantForReports(m: EntityManager, grantId: string, lock = false): Promise<GrantForReports | null> {
  if (!isUuid(grantId)) return null;
  const rows: Array<{
    id: string;
    status: string;
    consortium_id: string;
    call_id: string;
    application_id: string;
    current_version: number;
    case_number: string;
    amount_ore: string;
    report_schedule: GrantReportSchedule;
    project_start: string | null;
    project_end: string | null;
    report_rules: CallReportRules | null;
  }> = await m.query(
    `SELECT g.id, g.status, g.consortium_id, g.call_id, g.application_id, a.current_version, g.case_number,
            g.amount_ore::text AS amount_ore, g.report_schedule,
            to_char(g.project_start, 'YYYY-MM-DD') AS project_start, to_char(g.project_end, 'YYYY-MM-DD') AS project_end,
            cv.content->'rules'->'reports' AS report_rules
       FROM grant_award g
       JOIN application a ON a.id = g.application_id
       JOIN application_version v ON v.application_id = a.id AND v.version = a.current_version
       LEFT JOIN call_version cv ON cv.call_id = g.call_id AND cv.version = v.call_version
      WHERE g.id = $1${lock ? ' FOR UPDATE OF g' : ''}`,
    [grantId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    status: r.status,
    consortiumId: r.consortium_id,
    callId: r.call_id,
    applicationId: r.application_id,
    applicationVersion: Number(r.current_version),
    caseNumber: r.case_number,
    amountOre: sqlOre(r.amount_ore),
    reportSchedule: r.report_schedule,
    projectStart: r.project_start,
    projectEnd: r.project_end,
    reportRules: r.report_rules,
  };
}

export interface NewReport {
  grant: GrantForReports;
  kind: ReportKind;
  scheduleKey: string | null;
  title: string;
  questions: string[];
  sections: readonly ReportSection[];
  benefitSummaryMaxLength: number;
  periodStart: string | null;
  periodEnd: string | null;
  dueOn: string;
  createdBy: string | null;
  at: Date;
}

/** Inserts a report; a schedule's report the grant already has is left alone (null). */
export async function insertReport(m: EntityManager, r: NewReport): Promise<string | null> {
  const rows: Array<{ id: string }> = await m.query(
    `INSERT INTO report (grant_id, consortium_id, call_id, application_id, application_version, case_number, kind, schedule_key,
                         title, questions, sections, benefit_summary_max_length, period_start, period_end, due_on, original_due_on,
                         created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14, $15, $15, $16, $17, $17)
     ON CONFLICT (grant_id, schedule_key) WHERE status <> 'CANCELLED' DO NOTHING
     RETURNING id`,
    [
      r.grant.id,
      r.grant.consortiumId,
      r.grant.callId,
      r.grant.applicationId,
      r.grant.applicationVersion,
      r.grant.caseNumber,
      r.kind,
      r.scheduleKey,
      r.title,
      JSON.stringify(r.questions),
      JSON.stringify(r.sections),
      r.benefitSummaryMaxLength,
      r.periodStart,
      r.periodEnd,
      r.dueOn,
      r.createdBy,
      r.at.toISOString(),
    ],
  );
  return rows[0]?.id ?? null;
}

/**
 * The frozen version's financial actuals and indicator values as rows, from the JSON just inserted: the facts payments
 * and insights sum in SQL, each indicator value tied to the approved indicator by foreign key.
 */
export async function projectReportVersion(m: EntityManager, reportId: string, version: number): Promise<void> {
  await m.query(
    `INSERT INTO report_actual (report_id, version, position, cost_category_code, year, amount_ore)
     SELECT v.report_id, v.version, i - 1, e->>'costCategory', (e->>'year')::int, (e->>'amountOre')::bigint
       FROM report_version v CROSS JOIN LATERAL jsonb_array_elements(v.content->'actuals') WITH ORDINALITY AS x(e, i)
      WHERE v.report_id = $1 AND v.version = $2`,
    [reportId, version],
  );
  await m.query(
    `INSERT INTO report_indicator_value (report_id, version, application_id, application_version, indicator_id, measured, value,
                                         period_start, period_end, method, sample_size, response_rate_percent, comment, not_measured_reason)
     SELECT v.report_id, v.version, r.application_id, r.application_version, (e->>'indicatorId')::uuid, (e->>'measured')::boolean,
            (e->>'value')::numeric, (e->>'periodStart')::date, (e->>'periodEnd')::date, e->>'method', (e->>'sampleSize')::int,
            (e->>'responseRatePercent')::numeric, e->>'comment', e->>'notMeasuredReason'
       FROM report_version v JOIN report r ON r.id = v.report_id
            CROSS JOIN LATERAL jsonb_array_elements(v.content->'indicators') AS x(e)
      WHERE v.report_id = $1 AND v.version = $2`,
    [reportId, version],
  );
}

export interface ReportVersionRow {
  version: number;
  content: ReportContent;
  contentSha256: string;
  submittedAt: Date;
  submittedBy: string | null;
  entryNumber: string;
}

export async function reportVersions(m: EntityManager, reportId: string): Promise<ReportVersionRow[]> {
  const rows: Array<{
    version: number;
    content: ReportContent;
    content_sha256: string;
    submitted_at: Date | string;
    submitted_by: string | null;
    case_number: string;
    journal_seq: number;
  }> = await m.query(
    `SELECT version, content, content_sha256, submitted_at, submitted_by, case_number, journal_seq
       FROM report_version WHERE report_id = $1 ORDER BY version`,
    [reportId],
  );
  return rows.map((r) => ({
    version: Number(r.version),
    content: r.content,
    contentSha256: r.content_sha256,
    submittedAt: new Date(r.submitted_at),
    submittedBy: r.submitted_by,
    entryNumber: `${r.case_number}-${r.journal_seq}`,
  }));
}

export interface ReportReviewRow {
  version: number;
  outcome: 'APPROVED' | 'CHANGES_REQUESTED';
  comment: string | null;
  sectionComments: Array<{ section: string; comment: string }>;
  reviewedBy: string;
  reviewedAt: Date;
  entryNumber: string | null;
}

export async function reportReviews(m: EntityManager, reportId: string): Promise<ReportReviewRow[]> {
  const rows: Array<{
    version: number;
    outcome: 'APPROVED' | 'CHANGES_REQUESTED';
    comment: string | null;
    section_comments: Array<{ section: string; comment: string }>;
    reviewed_by: string;
    reviewed_at: Date | string;
    case_number: string | null;
    journal_seq: number | null;
  }> = await m.query(
    `SELECT version, outcome, comment, section_comments, reviewed_by, reviewed_at, case_number, journal_seq
       FROM report_review WHERE report_id = $1 ORDER BY version`,
    [reportId],
  );
  return rows.map((r) => ({
    version: Number(r.version),
    outcome: r.outcome,
    comment: r.comment,
    sectionComments: r.section_comments,
    reviewedBy: r.reviewed_by,
    reviewedAt: new Date(r.reviewed_at),
    entryNumber: r.case_number ? `${r.case_number}-${r.journal_seq}` : null,
  }));
}

export interface ReportJournalEntry {
  entryNumber: string;
  direction: string;
  documentType: string;
  title: string;
  registeredAt: Date;
}

/** The case journal's entries that belong to the report: its submitted versions and its approval. */
export async function reportJournal(m: EntityManager, reportId: string): Promise<ReportJournalEntry[]> {
  const rows: Array<{ case_number: string; seq: number; direction: string; document_type: string; title: string; registered_at: Date }> =
    await m.query(
      `SELECT j.case_number, j.seq, j.direction, j.document_type, j.title, j.registered_at
         FROM journal_entry j
        WHERE (j.case_number, j.seq) IN (
                SELECT case_number, journal_seq FROM report_version WHERE report_id = $1
                UNION SELECT case_number, journal_seq FROM report_review WHERE report_id = $1 AND journal_seq IS NOT NULL)
        ORDER BY j.seq`,
      [reportId],
    );
  return rows.map((r) => ({
    entryNumber: `${r.case_number}-${r.seq}`,
    direction: r.direction,
    documentType: r.document_type,
    title: r.title,
    registeredAt: new Date(r.registered_at),
  }));
}

/** The frozen content of the application version the grant was decided on (contact persons, the lead's language). */
export async function decidedApplication(m: EntityManager, applicationId: string, version: number): Promise<ApplicationContent | null> {
  const [row]: Array<{ content: ApplicationContent }> = await m.query(
    `SELECT content FROM application_version WHERE application_id = $1 AND version = $2`,
    [applicationId, version],
  );
  return row?.content ?? null;
}

export interface ReportAttachmentRow {
  id: string;
  filename: string;
  fileType: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  description: string | null;
  uploadedAt: Date;
  firstSubmittedVersion: number | null;
  removedAt: Date | null;
}

export async function reportAttachments(m: EntityManager, reportId: string, opts: { live?: boolean } = {}): Promise<ReportAttachmentRow[]> {
  const rows: Array<{
    id: string;
    filename: string;
    file_type: string;
    content_type: string;
    size_bytes: string | number;
    sha256: string;
    storage_key: string;
    description: string | null;
    uploaded_at: Date | string;
    first_submitted_version: number | null;
    removed_at: Date | string | null;
  }> = await m.query(
    `SELECT id, filename, file_type, content_type, size_bytes, sha256, storage_key, description, uploaded_at, first_submitted_version, removed_at
       FROM report_attachment WHERE report_id = $1${opts.live ? ' AND removed_at IS NULL' : ''} ORDER BY uploaded_at, id`,
    [reportId],
  );
  return rows.map((r) => ({
    id: r.id,
    filename: r.filename,
    fileType: r.file_type,
    contentType: r.content_type,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256,
    storageKey: r.storage_key,
    description: r.description,
    uploadedAt: new Date(r.uploaded_at),
    firstSubmittedVersion: r.first_submitted_version === null ? null : Number(r.first_submitted_version),
    removedAt: r.removed_at ? new Date(r.removed_at) : null,
  }));
}

/* ------------------------------------------------------------------ lists, drafts and versions */

/**
 * One page of reports by due date, under the conditions (SQL over `r`, the report, with their parameters): ids and
 * due dates (the cursor key); the reports themselves are read by reportsById.
 */
export function reportPage(
  m: EntityManager,
  where: readonly string[],
  params: unknown[],
  limit: number,
): Promise<Array<{ id: string; due_on: string }>> {
  return m.query(
    `SELECT r.id, to_char(r.due_on, 'YYYY-MM-DD') AS due_on FROM report r WHERE ${where.join(' AND ')}
        ORDER BY r.due_on, r.id LIMIT ${limit + 1}`,
    params,
  );
}

export async function saveReportDraft(m: EntityManager, reportId: string, content: unknown, at: Date): Promise<void> {
  await m.query(`UPDATE report SET content = $2::jsonb, updated_at = $3 WHERE id = $1`, [
    reportId,
    JSON.stringify(content),
    at.toISOString(),
  ]);
}

export async function insertReportVersion(
  m: EntityManager,
  v: {
    reportId: string;
    version: number;
    content: unknown;
    contentSha256: string;
    submittedBy: string | null;
    at: Date;
    caseNumber: string;
    journalSeq: number;
  },
): Promise<void> {
  await m.query(
    `INSERT INTO report_version (report_id, version, content, content_sha256, submitted_at, submitted_by, case_number, journal_seq)
         VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8)`,
    [v.reportId, v.version, JSON.stringify(v.content), v.contentSha256, v.at.toISOString(), v.submittedBy, v.caseNumber, v.journalSeq],
  );
}

export async function insertReportReview(
  m: EntityManager,
  r: {
    reportId: string;
    version: number;
    outcome: 'APPROVED' | 'CHANGES_REQUESTED';
    comment: string | null;
    sectionComments: unknown;
    reviewedBy: string | null;
    at: Date;
    caseNumber: string | null;
    journalSeq: number | null;
  },
): Promise<void> {
  await m.query(
    `INSERT INTO report_review (report_id, version, outcome, comment, section_comments, reviewed_by, reviewed_at, case_number, journal_seq)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9)`,
    [
      r.reportId,
      r.version,
      r.outcome,
      r.comment,
      JSON.stringify(r.sectionComments),
      r.reviewedBy,
      r.at.toISOString(),
      r.caseNumber,
      r.journalSeq,
    ],
  );
}

/** The report's dates as an extension or a changed project end moves them. */
export async function setReportDueOn(m: EntityManager, reportId: string, dueOn: string, at: Date): Promise<void> {
  await m.query(`UPDATE report SET due_on = $2, updated_at = $3 WHERE id = $1`, [reportId, dueOn, at.toISOString()]);
}

/** The schedule's new date (not an extension): due and originally due on it, for the period ending then. */
export async function rescheduleReport(
  m: EntityManager,
  reportId: string,
  dueOn: string,
  periodEnd: string | null,
  at: Date,
): Promise<void> {
  await m.query(`UPDATE report SET due_on = $2, original_due_on = $2, period_end = $3, updated_at = $4 WHERE id = $1`, [
    reportId,
    dueOn,
    periodEnd,
    at.toISOString(),
  ]);
}

export async function setGrantProjectEnd(m: EntityManager, grantId: string, projectEnd: string, at: Date): Promise<void> {
  await m.query(`UPDATE grant_award SET project_end = $2, updated_at = $3 WHERE id = $1`, [grantId, projectEnd, at.toISOString()]);
}

export interface ReportReminderRow {
  id: string;
  case_number: string;
  title: string;
  due_on: string;
  which: string;
  content: ApplicationContent;
}

/**
 * Draft reports a reminder is due for on `today`: '14d' from `firstDays` before the due day, '3d' from `lastDays`
 * before it, 'overdue' up to `overdueDays` after it; each with the decided application version (its contacts).
 */
export function reportsDueForReminder(
  m: EntityManager,
  today: string,
  firstDays: number,
  lastDays: number,
  overdueDays: number,
): Promise<ReportReminderRow[]> {
  return m.query(
    `SELECT r.id, r.case_number, r.title, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, w.which, v.content
               FROM report r
               JOIN application_version v ON v.application_id = r.application_id AND v.version = r.application_version
               CROSS JOIN LATERAL (VALUES
                 ('14d', r.due_on - $2::int, r.due_on - $3::int - 1),
                 ('3d', r.due_on - $3::int, r.due_on),
                 ('overdue', r.due_on + 1, r.due_on + $4::int)) AS w(which, from_day, to_day)
              WHERE r.status = 'DRAFT' AND $1::date BETWEEN w.from_day AND w.to_day
                AND r.due_on BETWEEN $1::date - $4::int AND $1::date + $2::int`,
    [today, firstDays, lastDays, overdueDays],
  );
}

/* ------------------------------------------------------------------ attachments */

/** How many attachments the report has (not removed). */
export async function liveAttachmentCount(m: EntityManager, reportId: string): Promise<number> {
  const [{ n }]: Array<{ n: number }> = await m.query(
    `SELECT count(*)::int AS n FROM report_attachment WHERE report_id = $1 AND removed_at IS NULL`,
    [reportId],
  );
  return n;
}

/** Returns the new attachment's id. */
export async function insertReportAttachment(
  m: EntityManager,
  a: {
    reportId: string;
    filename: string;
    fileType: string;
    contentType: string;
    sizeBytes: number;
    sha256: string;
    storageKey: string;
    description: string | null;
    uploadedBy: string | null;
    at: Date;
  },
): Promise<string> {
  const [row]: Array<{ id: string }> = await m.query(
    `INSERT INTO report_attachment (report_id, filename, file_type, content_type, size_bytes, sha256, storage_key, description, uploaded_by, uploaded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      a.reportId,
      a.filename,
      a.fileType,
      a.contentType,
      a.sizeBytes,
      a.sha256,
      a.storageKey,
      a.description,
      a.uploadedBy,
      a.at.toISOString(),
    ],
  );
  return row.id;
}

/** The attachments still in the draft are in the version now submitted. */
export async function markAttachmentsSubmitted(m: EntityManager, reportId: string, version: number): Promise<void> {
  await m.query(
    `UPDATE report_attachment SET first_submitted_version = $2 WHERE report_id = $1 AND first_submitted_version IS NULL AND removed_at IS NULL`,
    [reportId, version],
  );
}

export async function deleteReportAttachment(m: EntityManager, id: string): Promise<void> {
  await m.query(`DELETE FROM report_attachment WHERE id = $1`, [id]);
}

/** Dropped from the draft; a submitted version still includes it. */
export async function removeReportAttachment(m: EntityManager, id: string, at: Date): Promise<void> {
  await m.query(`UPDATE report_attachment SET removed_at = $2 WHERE id = $1`, [id, at.toISOString()]);
}
