import { EntityManager } from 'typeorm';
import { exactTimeSql } from '../common/pagination';
import { SqlFilter } from '../common/sql-filter';
import { sqlInteger } from '../database/sql-numbers';
import { ConsentBasis, MemberStatus } from './entities/consortium.entity';

/**
 * The organisations module's raw SQL, one function per query, each returning typed rows (snake_case, as the database
 * names them; the service maps them to views). Callers pass the EntityManager: the one of their transaction, or
 * dataSource.manager outside one. Nothing here decides; the rules stay in OrganisationsService.
 */

/* ------------------------------------------------------------------ consortia */

export interface ConsortiumMemberRow {
  id: string;
  name: string;
  lead_organisation_id: string;
  created_at: Date;
  updated_at: Date;
  version: number;
  organisation_id: string;
  kind: string;
  org_name: string;
  municipality_number: string | null;
  health_region: string | null;
  population: number | null;
  written_language: string | null;
  status: MemberStatus;
  consent_basis: ConsentBasis | null;
  confirmed_at: Date | null;
  letter_attachment_id: string | null;
}

/** Every member of the given consortia, one row each with its consortium's columns; municipalities first, by name. */
export async function consortiumMemberRows(m: EntityManager, ids: string[]): Promise<ConsortiumMemberRow[]> {
  const rows: ConsortiumMemberRow[] = await m.query(
    `SELECT c.id, c.name, c.lead_organisation_id, c.created_at, c.updated_at, c.version,
            o.id AS organisation_id, o.kind, o.name AS org_name, o.municipality_number, o.health_region,
            mu.population, mu.written_language, cm.status, cm.consent_basis, cm.confirmed_at, cm.letter_attachment_id
       FROM consortium c
       JOIN consortium_member cm ON cm.consortium_id = c.id
       JOIN organisation o ON o.id = cm.organisation_id
       LEFT JOIN municipality mu ON mu.number = o.municipality_number
      WHERE c.id = ANY($1::uuid[])
      ORDER BY o.kind <> 'MUNICIPALITY', o.name`,
    [ids],
  );
  return rows.map((r) => ({
    ...r,
    version: sqlInteger(r.version),
    population: r.population === null ? null : sqlInteger(r.population),
  }));
}

export interface ConsortiumKeyRow {
  id: string;
  /** created_at as exact text: the cursor key. */
  k: string;
}

/** One page of consortium ids in creation order, under the filter (the access policy, the list's own conditions). */
export function consortiumPage(m: EntityManager, f: SqlFilter, limit: number): Promise<ConsortiumKeyRow[]> {
  return m.query(
    `SELECT c.id, ${exactTimeSql('c.created_at')} AS k
       FROM consortium c ${f.clause} ORDER BY c.created_at, c.id LIMIT ${f.bind(limit)}`,
    f.params,
  );
}

export async function updateConsortiumRow(m: EntityManager, id: string, name: string, leadOrganisationId: string): Promise<void> {
  await m.query(`UPDATE consortium SET name = $2, lead_organisation_id = $3, updated_at = now(), version = version + 1 WHERE id = $1`, [
    id,
    name,
    leadOrganisationId,
  ]);
}

/** A change of the membership alone still makes a new version of the consortium. */
export async function touchConsortium(m: EntityManager, id: string): Promise<void> {
  await m.query(`UPDATE consortium SET updated_at = now(), version = version + 1 WHERE id = $1`, [id]);
}

/* ------------------------------------------------------------------ members */

export interface InsertedMemberRow {
  organisation_id: string;
  invited_at: Date;
  status: MemberStatus;
}

/** New members: INVITED, except the actor's own organisations (`confirmed`), which consent by being put in by it. */
export function insertMembers(
  m: EntityManager,
  consortiumId: string,
  organisationIds: string[],
  invitedBy: string | null,
  confirmed: string[],
): Promise<InsertedMemberRow[]> {
  return m.query(
    `INSERT INTO consortium_member (consortium_id, organisation_id, invited_by, status, consent_basis, confirmed_at, confirmed_by)
     SELECT $1, o, $3, CASE WHEN o = ANY($4::uuid[]) THEN 'CONFIRMED' ELSE 'INVITED' END,
            CASE WHEN o = ANY($4::uuid[]) THEN 'APPLICANT' END,
            CASE WHEN o = ANY($4::uuid[]) THEN now() END,
            CASE WHEN o = ANY($4::uuid[]) THEN $3::uuid END
       FROM unnest($2::uuid[]) AS o
     RETURNING organisation_id, invited_at, status`,
    [consortiumId, organisationIds, invitedBy, confirmed],
  );
}

export async function deleteMembers(m: EntityManager, consortiumId: string, organisationIds: string[]): Promise<void> {
  await m.query(`DELETE FROM consortium_member WHERE consortium_id = $1 AND organisation_id = ANY($2::uuid[])`, [
    consortiumId,
    organisationIds,
  ]);
}

/** The member's consent, given by its own applicant (APPLICANT) or by the officer accepting its letter (LETTER_OF_INTENT). */
export async function confirmMemberRow(
  m: EntityManager,
  consortiumId: string,
  organisationId: string,
  basis: ConsentBasis,
  confirmedBy: string | null,
): Promise<void> {
  await m.query(
    `UPDATE consortium_member SET status = 'CONFIRMED', consent_basis = $4, confirmed_at = now(), confirmed_by = $3
      WHERE consortium_id = $1 AND organisation_id = $2`,
    [consortiumId, organisationId, confirmedBy, basis],
  );
}

export async function submitLetterRow(m: EntityManager, consortiumId: string, organisationId: string, attachmentId: string): Promise<void> {
  await m.query(
    `UPDATE consortium_member SET status = 'LETTER_SUBMITTED', letter_attachment_id = $3 WHERE consortium_id = $1 AND organisation_id = $2`,
    [consortiumId, organisationId, attachmentId],
  );
}

export interface InvitationRow {
  name: string;
  lead_name: string;
  member_name: string;
  status: MemberStatus;
}

/** What the invitation mail says, and whether the member still has to answer it. */
export async function invitationFacts(m: EntityManager, consortiumId: string, organisationId: string): Promise<InvitationRow | undefined> {
  const [row]: InvitationRow[] = await m.query(
    `SELECT c.name, lo.name AS lead_name, mo.name AS member_name, cm.status
       FROM consortium c
       JOIN organisation lo ON lo.id = c.lead_organisation_id
       JOIN consortium_member cm ON cm.consortium_id = c.id AND cm.organisation_id = $2
       JOIN organisation mo ON mo.id = cm.organisation_id
      WHERE c.id = $1`,
    [consortiumId, organisationId],
  );
  return row;
}

/**
 * The file type of an attachment of one of the consortium's applications (not removed), or undefined. The
 * applications module's table, read only to check that a letter of intent is the consortium's own document.
 */
export async function consortiumAttachmentType(m: EntityManager, attachmentId: string, consortiumId: string): Promise<string | undefined> {
  const [row]: Array<{ file_type: string }> = await m.query(
    `SELECT at.file_type FROM application_attachment at JOIN application a ON a.id = at.application_id
      WHERE at.id = $1 AND a.consortium_id = $2 AND at.removed_at IS NULL`,
    [attachmentId, consortiumId],
  );
  return row?.file_type;
}

/* ------------------------------------------------------------------ organisations and their applicants */

export interface ApplicantRow {
  id: string;
  email: string;
  display_name: string;
  written_language: string | null;
}

/** The active applicants of an organisation, with its municipality's written language. */
export function activeApplicants(m: EntityManager, organisationId: string): Promise<ApplicantRow[]> {
  return m.query(
    `SELECT u.id, u.email, u.display_name, mu.written_language
       FROM user_organisation uo
       JOIN app_user u ON u.id = uo.user_id
       JOIN organisation o ON o.id = uo.organisation_id
       LEFT JOIN municipality mu ON mu.number = o.municipality_number
      WHERE uo.organisation_id = $1 AND u.active AND 'applicant' = ANY(u.roles)
      ORDER BY u.email`,
    [organisationId],
  );
}

export async function countActiveApplicants(m: EntityManager, organisationId: string): Promise<number> {
  const [row]: Array<{ n: unknown }> = await m.query(
    `SELECT count(*) AS n FROM user_organisation uo JOIN app_user u ON u.id = uo.user_id
      WHERE uo.organisation_id = $1 AND u.active AND 'applicant' = ANY(u.roles)`,
    [organisationId],
  );
  return sqlInteger(row.n, { what: 'the number of applicants' });
}

export interface MunicipalityOrganisationRow {
  id: string;
  municipality_number: string;
}

/** The organisations of these municipalities (kommunenummer); an unknown number has none. */
export function municipalityOrganisations(m: EntityManager, numbers: string[]): Promise<MunicipalityOrganisationRow[]> {
  return m.query(
    `SELECT id, municipality_number FROM organisation WHERE kind = 'MUNICIPALITY' AND municipality_number = ANY($1::char(4)[])`,
    [numbers],
  );
}

/** Those of the ids that are health trusts. */
export async function healthTrustIds(m: EntityManager, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows: Array<{ id: string }> = await m.query(`SELECT id FROM organisation WHERE kind = 'HEALTH_TRUST' AND id = ANY($1::uuid[])`, [
    ids,
  ]);
  return rows.map((r) => r.id);
}
