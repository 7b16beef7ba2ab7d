import { EntityManager } from 'typeorm';
import { ApplicationContent } from '../../applications/application-content';
import { CallRules } from '../../calls/call-rules';
import { submittedBudgetLines, submittedIndicators, submittedMembers } from '../../applications/submitted-facts.queries';
import { osloDate } from '../../common/legal-deadline';
import { sqlOre } from '../../database/sql-numbers';
import { isUuid } from '../../common/uuid';
import { GrantTerms, inForceAt, TermsBudgetLine, TermsIndicator, TermsMember } from './grant-terms';
import { GrantChangeState } from './grant-change.states';

/** What a change request asks for, frozen as submitted. Each part null when it does not change. */
export interface ChangeContent {
  reasons: string;
  /** The terms version the request was made against. */
  basedOnTermsVersion: number;
  projectEnd: { from: string | null; to: string } | null;
  budget: { before: TermsBudgetLine[]; after: TermsBudgetLine[] } | null;
  members: { leaving: TermsMember[]; joining: TermsMember[] } | null;
  indicators: {
    changed: Array<{
      indicatorId: string;
      name: string;
      targetValue: string | null;
      targetYear: number | null;
      before: { targetValue: string | null; targetYear: number | null };
    }>;
    added: Array<{
      indicatorId: string;
      name: string;
      unit: string;
      baselineValue: string | null;
      baselineDate: string | null;
      targetValue: string;
      targetYear: number;
    }>;
  } | null;
}

export interface ChangeFlag {
  code: string;
  message: string;
}

export interface ChangeRequestRow {
  id: string;
  status: GrantChangeState;
  grantId: string;
  consortiumId: string;
  caseNumber: string;
  number: number;
  content: ChangeContent;
  contentSha256: string;
  flags: ChangeFlag[];
  movedOre: number;
  needsSecondApproval: boolean;
  submittedBy: string;
  submittedAt: Date;
  entryNumber: string;
  decisionReasons: string | null;
  decidedAt: Date | null;
  language: string | null;
  htmlKey: string | null;
  htmlSha256: string | null;
  pdfKey: string | null;
  pdfSha256: string | null;
  letterEntryNumber: string | null;
  consents: Array<{ organisationId: string; consentedBy: string; consentedAt: Date }>;
}

interface RawRow {
  id: string;
  status: GrantChangeState;
  grant_id: string;
  consortium_id: string;
  case_number: string;
  number: number;
  content: ChangeContent;
  content_sha256: string;
  flags: ChangeFlag[];
  moved_ore: string;
  needs_second_approval: boolean;
  submitted_by: string;
  submitted_at: Date;
  journal_seq: number;
  decision_reasons: string | null;
  decided_at: Date | null;
  language: string | null;
  html_key: string | null;
  html_sha256: string | null;
  pdf_key: string | null;
  pdf_sha256: string | null;
  letter_journal_seq: number | null;
}

/** Change requests by id, or all of a grant (oldest first). */
export async function changeRequests(m: EntityManager, where: { id?: string; grantId?: string }): Promise<ChangeRequestRow[]> {
  const id = where.id ?? where.grantId!;
  if (!isUuid(id)) return [];
  const rows: RawRow[] = await m.query(
    `SELECT c.*, c.moved_ore::text AS moved_ore FROM grant_change_request c
      WHERE ${where.id ? 'c.id' : 'c.grant_id'} = $1 ORDER BY c.number`,
    [id],
  );
  const consents: Array<{ change_request_id: string; organisation_id: string; consented_by: string; consented_at: Date }> = rows.length
    ? await m.query(`SELECT * FROM grant_change_consent WHERE change_request_id = ANY($1::uuid[]) ORDER BY consented_at`, [
        rows.map((r) => r.id),
      ])
    : [];
  const entry = (r: RawRow, seq: number | null) => (seq === null ? null : `${r.case_number}-${seq}`);
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    grantId: r.grant_id,
    consortiumId: r.consortium_id,
    caseNumber: r.case_number,
    number: Number(r.number),
    content: r.content,
    contentSha256: r.content_sha256,
    flags: r.flags,
    movedOre: sqlOre(r.moved_ore),
    needsSecondApproval: r.needs_second_approval,
    submittedBy: r.submitted_by,
    submittedAt: new Date(r.submitted_at),
    entryNumber: entry(r, Number(r.journal_seq))!,
    decisionReasons: r.decision_reasons,
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
    language: r.language,
    htmlKey: r.html_key,
    htmlSha256: r.html_sha256,
    pdfKey: r.pdf_key,
    pdfSha256: r.pdf_sha256,
    letterEntryNumber: entry(r, r.letter_journal_seq === null ? null : Number(r.letter_journal_seq)),
    consents: consents
      .filter((c) => c.change_request_id === r.id)
      .map((c) => ({ organisationId: c.organisation_id, consentedBy: c.consented_by, consentedAt: new Date(c.consented_at) })),
  }));
}

export async function insertChangeRequest(
  m: EntityManager,
  r: {
    grantId: string;
    consortiumId: string;
    caseNumber: string;
    content: ChangeContent;
    contentSha256: string;
    flags: ChangeFlag[];
    movedOre: number;
    needsSecondApproval: boolean;
    submittedBy: string;
    at: Date;
    journalSeq: number;
  },
): Promise<{ id: string; number: number }> {
  const [row]: Array<{ id: string; number: number }> = await m.query(
    `INSERT INTO grant_change_request (grant_id, consortium_id, case_number, number, content, content_sha256, flags, moved_ore,
                                       needs_second_approval, submitted_by, submitted_at, journal_seq, updated_at)
     VALUES ($1, $2, $3, (SELECT COALESCE(max(number), 0) + 1 FROM grant_change_request WHERE grant_id = $1), $4::jsonb, $5, $6::jsonb, $7,
             $8, $9, $10, $11, $10)
     RETURNING id, number`,
    [
      r.grantId,
      r.consortiumId,
      r.caseNumber,
      JSON.stringify(r.content),
      r.contentSha256,
      JSON.stringify(r.flags),
      r.movedOre,
      r.needsSecondApproval,
      r.submittedBy,
      r.at.toISOString(),
      r.journalSeq,
    ],
  );
  return { id: row.id, number: Number(row.number) };
}

export async function insertConsent(m: EntityManager, id: string, organisationId: string, userId: string, at: Date): Promise<boolean> {
  const rows: unknown[] = await m.query(
    `INSERT INTO grant_change_consent (change_request_id, organisation_id, consented_by, consented_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING RETURNING organisation_id`,
    [id, organisationId, userId, at.toISOString()],
  );
  return rows.length > 0;
}

/** The municipalities a request asks to join that have not consented. */
export async function missingConsents(m: EntityManager, id: string): Promise<Array<{ organisationId: string; name: string }>> {
  const rows: Array<{ organisation_id: string; name: string }> = await m.query(
    `SELECT j->>'organisationId' AS organisation_id, j->>'name' AS name
       FROM grant_change_request c CROSS JOIN LATERAL jsonb_array_elements(COALESCE(c.content->'members'->'joining', '[]'::jsonb)) j
      WHERE c.id = $1
        AND NOT EXISTS (SELECT 1 FROM grant_change_consent k WHERE k.change_request_id = c.id AND k.organisation_id = (j->>'organisationId')::uuid)`,
    [id],
  );
  return rows.map((r) => ({ organisationId: r.organisation_id, name: r.name }));
}

/** The organisation of a municipality (by its number), with what the rules look at. */
export async function municipalityOrganisations(
  m: EntityManager,
  numbers: string[],
): Promise<Array<{ organisationId: string; municipalityNumber: string; name: string; healthRegion: string | null }>> {
  const rows: Array<{ id: string; municipality_number: string; name: string; health_region: string | null }> = await m.query(
    `SELECT o.id, o.municipality_number, o.name, o.health_region FROM organisation o
      WHERE o.kind = 'MUNICIPALITY' AND o.municipality_number = ANY($1::text[])`,
    [numbers],
  );
  return rows.map((r) => ({
    organisationId: r.id,
    municipalityNumber: r.municipality_number,
    name: r.name,
    healthRegion: r.health_region,
  }));
}

export async function setLetter(
  m: EntityManager,
  id: string,
  l: {
    reasons: string;
    at: Date;
    language: string;
    htmlKey: string;
    htmlSha256: string;
    pdfKey: string;
    pdfSha256: string;
    journalSeq: number;
  },
): Promise<void> {
  await m.query(
    `UPDATE grant_change_request SET decision_reasons = $2, decided_at = $3, language = $4, html_key = $5, html_sha256 = $6, pdf_key = $7,
            pdf_sha256 = $8, letter_journal_seq = $9 WHERE id = $1`,
    [id, l.reasons, l.at.toISOString(), l.language, l.htmlKey, l.htmlSha256, l.pdfKey, l.pdfSha256, l.journalSeq],
  );
}

// ---- terms -------------------------------------------------------------------------------------------------------

/** The grant as decided: version 1 of its terms, read from the application version it was decided on. */
async function decidedTerms(m: EntityManager, grantId: string): Promise<GrantTerms | null> {
  const [g]: Array<{ application_id: string; version: number; project_end: string | null; from_at: Date }> = await m.query(
    `SELECT g.application_id, a.current_version AS version, v.content->>'projectEnd' AS project_end,
            COALESCE(g.accepted_at, g.created_at) AS from_at
       FROM grant_award g JOIN application a ON a.id = g.application_id
       JOIN application_version v ON v.application_id = a.id AND v.version = a.current_version
      WHERE g.id = $1`,
    [grantId],
  );
  if (!g) return null;
  const version = Number(g.version);
  const budget = await submittedBudgetLines(m, g.application_id, version);
  const members = await submittedMembers(m, g.application_id, version);
  const indicators = await submittedIndicators(m, g.application_id, version);
  return {
    version: 1,
    validFrom: osloDate(new Date(g.from_at)).toString(),
    projectEnd: g.project_end,
    budgetLines: budget.map((b) => ({ costCategory: b.costCategory, year: b.year, amountOre: b.amountOre, description: b.description })),
    members: members.map((x): TermsMember => ({
      organisationId: x.organisationId,
      municipalityNumber: x.municipalityNumber,
      name: x.name,
      role: x.role,
      healthRegion: x.healthRegion,
    })),
    indicators: indicators.map((i): TermsIndicator => ({
      indicatorId: i.indicatorId,
      name: i.name,
      unit: i.unit,
      baselineValue: i.baselineValue,
      baselineDate: i.baselineDate,
      targetValue: i.targetValue,
      targetYear: i.targetYear,
      originalTargetValue: i.targetValue,
      originalTargetYear: i.targetYear,
      added: false,
    })),
    changeRequestId: null,
  };
}

/** Every version of the grant's terms, the decided one first; empty for an unknown grant. */
export async function termsHistory(m: EntityManager, grantId: string): Promise<GrantTerms[]> {
  if (!isUuid(grantId)) return [];
  const first = await decidedTerms(m, grantId);
  if (!first) return [];
  const rows: Array<{
    version: number;
    valid_from: string;
    project_end: string | null;
    budget_lines: TermsBudgetLine[];
    members: TermsMember[];
    indicators: TermsIndicator[];
    change_request_id: string;
  }> = await m.query(
    `SELECT version, to_char(valid_from, 'YYYY-MM-DD') AS valid_from, to_char(project_end, 'YYYY-MM-DD') AS project_end,
            budget_lines, members, indicators, change_request_id
       FROM grant_terms WHERE grant_id = $1 ORDER BY version`,
    [grantId],
  );
  return [
    first,
    ...rows.map((r) => ({
      version: Number(r.version),
      validFrom: r.valid_from,
      projectEnd: r.project_end,
      budgetLines: r.budget_lines,
      members: r.members,
      indicators: r.indicators,
      changeRequestId: r.change_request_id,
    })),
  ];
}

/**
 * The grant's terms in force on a day (YYYY-MM-DD, Oslo): what payments, reports and insights hold the grant to on
 * that day. Null for an unknown grant.
 */
export async function termsInForce(m: EntityManager, grantId: string, date: string): Promise<GrantTerms | null> {
  const history = await termsHistory(m, grantId);
  return history.length ? inForceAt(history, date) : null;
}

export async function insertTerms(m: EntityManager, grantId: string, t: GrantTerms, at: Date): Promise<void> {
  await m.query(
    `INSERT INTO grant_terms (grant_id, version, valid_from, project_end, budget_lines, members, indicators, change_request_id, created_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9)`,
    [
      grantId,
      t.version,
      t.validFrom,
      t.projectEnd,
      JSON.stringify(t.budgetLines),
      JSON.stringify(t.members),
      JSON.stringify(t.indicators),
      t.changeRequestId,
      at.toISOString(),
    ],
  );
}

/** What a change request is checked against: the grant, the rules of its call version, and the decided application. */
export interface GrantForChange {
  id: string;
  status: string;
  consortiumId: string;
  applicationId: string;
  caseNumber: string;
  amountOre: number;
  projectStart: string | null;
  projectEnd: string | null;
  language: 'nb' | 'nn';
  rules: CallRules;
  content: ApplicationContent;
}

export async function grantForChange(m: EntityManager, grantId: string): Promise<GrantForChange | null> {
  if (!isUuid(grantId)) return null;
  const [r]: Array<{
    id: string;
    status: string;
    consortium_id: string;
    application_id: string;
    case_number: string;
    amount_ore: string;
    project_start: string | null;
    project_end: string | null;
    language: 'nb' | 'nn';
    rules: CallRules;
    content: ApplicationContent;
  }> = await m.query(
    `SELECT g.id, g.status, g.consortium_id, g.application_id, g.case_number, g.amount_ore::text AS amount_ore,
            to_char(g.project_start, 'YYYY-MM-DD') AS project_start, to_char(g.project_end, 'YYYY-MM-DD') AS project_end,
            d.language, cv.content->'rules' AS rules, v.content
       FROM grant_award g
       JOIN decision d ON d.id = g.decision_id
       JOIN application a ON a.id = g.application_id
       JOIN application_version v ON v.application_id = a.id AND v.version = a.current_version
       JOIN call_version cv ON cv.call_id = a.call_id AND cv.version = v.call_version
      WHERE g.id = $1`,
    [grantId],
  );
  if (!r) return null;
  return {
    id: r.id,
    status: r.status,
    consortiumId: r.consortium_id,
    applicationId: r.application_id,
    caseNumber: r.case_number,
    amountOre: sqlOre(r.amount_ore),
    projectStart: r.project_start,
    projectEnd: r.project_end,
    language: r.language,
    rules: r.rules,
    content: r.content,
  };
}

/** Whether the request was found above the call's threshold when it was submitted (an approver must confirm it). */
export async function needsSecondApproval(m: EntityManager, id: string): Promise<boolean> {
  const [r]: Array<{ needs_second_approval: boolean }> = await m.query(
    `SELECT needs_second_approval FROM grant_change_request WHERE id = $1`,
    [id],
  );
  return !!r?.needs_second_approval;
}

/** The project title of a grant's application (for the change request's mail and letter). */
export async function grantProjectTitle(m: EntityManager, grantId: string): Promise<string | undefined> {
  const [a]: Array<{ title: string }> = await m.query(
    `SELECT a.title FROM grant_award g JOIN application a ON a.id = g.application_id WHERE g.id = $1`,
    [grantId],
  );
  return a?.title;
}

/** The grant's next change request number (1, 2, …); under the grant's row lock the caller holds. */
export async function nextChangeRequestNumber(m: EntityManager, grantId: string): Promise<number> {
  const [{ n }]: Array<{ n: number }> = await m.query(
    `SELECT COALESCE(max(number), 0)::int + 1 AS n FROM grant_change_request WHERE grant_id = $1`,
    [grantId],
  );
  return n;
}

/** Locks the grant's row for the rest of the transaction. */
export async function lockGrantRow(m: EntityManager, grantId: string): Promise<void> {
  await m.query(`SELECT id FROM grant_award WHERE id = $1 FOR UPDATE`, [grantId]);
}

/** A user's display name, for the officer's signature on a letter. */
export async function userDisplayName(m: EntityManager, userId: string): Promise<string | undefined> {
  const [u]: Array<{ display_name: string }> = await m.query(`SELECT display_name FROM app_user WHERE id = $1`, [userId]);
  return u?.display_name;
}
