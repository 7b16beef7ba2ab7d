import { EntityManager } from 'typeorm';
import { exactTimeSql } from '../../common/pagination';
import { ExemptionScope } from './dto/public.views';

export interface PublicJournalRow {
  case_number: string;
  seq: number;
  journal_date: string;
  direction: 'I' | 'U' | 'N';
  document_type: string;
  title: string;
  counterpart: string | null;
  scope: ExemptionScope | null;
  legal_basis: string | null;
  public_title: string | null;
  at_key: string;
}

/**
 * Journal entries registered on the Oslo dates `from`…`to` (either open), in registration order, after the keyset
 * cursor (registered_at, case_number, seq), with any exemption. The day bounds are Oslo midnights, computed in SQL.
 */
export async function publicJournalEntries(
  m: EntityManager,
  q: { from?: string; to?: string; after?: [string, string, number]; limit: number },
): Promise<PublicJournalRow[]> {
  return m.query(
    `SELECT e.case_number, e.seq, to_char(e.registered_at AT TIME ZONE 'Europe/Oslo', 'YYYY-MM-DD') AS journal_date,
            e.direction, e.document_type, e.title, e.counterpart, x.scope, x.legal_basis, x.public_title,
            ${exactTimeSql('e.registered_at')} AS at_key
       FROM journal_entry e
       LEFT JOIN journal_exemption x ON x.case_number = e.case_number AND x.seq = e.seq
      WHERE ($1::date IS NULL OR e.registered_at >= ($1::date)::timestamp AT TIME ZONE 'Europe/Oslo')
        AND ($2::date IS NULL OR e.registered_at < ($2::date + 1)::timestamp AT TIME ZONE 'Europe/Oslo')
        AND ($3::timestamptz IS NULL OR (e.registered_at, e.case_number, e.seq) > ($3::timestamptz, $4::text, $5::integer))
      ORDER BY e.registered_at, e.case_number, e.seq
      LIMIT $6`,
    [q.from ?? null, q.to ?? null, q.after?.[0] ?? null, q.after?.[1] ?? null, q.after?.[2] ?? null, q.limit],
  );
}

export interface PublicGrantRow {
  id: string;
  case_number: string;
  consortium: string;
  amount: string;
  call: string;
  measure_code: string;
  decision_date: string;
  status: string;
  at_key: string;
  members: Array<{ name: string; municipalityNumber: string | null; role: string }> | null;
}

/** Grants in `states`, in decision order (approved_at, id) after the cursor, with the members as submitted. */
export async function publicGrants(
  m: EntityManager,
  q: { states: readonly string[]; after?: [string, string]; limit: number },
): Promise<PublicGrantRow[]> {
  return m.query(
    `SELECT g.id, g.case_number, c.name AS consortium, g.amount_ore::text AS amount, cl.title_nb AS call, cl.measure_code,
            to_char(d.approved_at AT TIME ZONE 'Europe/Oslo', 'YYYY-MM-DD') AS decision_date, g.status,
            ${exactTimeSql('d.approved_at')} AS at_key,
            (SELECT json_agg(json_build_object('name', sm.name, 'municipalityNumber', sm.municipality_number, 'role', sm.role)
                             ORDER BY sm.role <> 'LEAD', sm.position)
               FROM submitted_member sm
              WHERE sm.application_id = g.application_id AND sm.version = a.current_version) AS members
       FROM grant_award g
       JOIN decision d ON d.id = g.decision_id
       JOIN call cl ON cl.id = g.call_id
       JOIN consortium c ON c.id = g.consortium_id
       JOIN application a ON a.id = g.application_id
      WHERE g.status = ANY($1)
        AND ($2::timestamptz IS NULL OR (d.approved_at, g.id) > ($2::timestamptz, $3::uuid))
      ORDER BY d.approved_at, g.id
      LIMIT $4`,
    [q.states, q.after?.[0] ?? null, q.after?.[1] ?? null, q.limit],
  );
}

/** The case's application, if the entry exists. */
export async function journalEntryApplication(m: EntityManager, caseNumber: string, seq: number): Promise<string | undefined> {
  const rows: Array<{ application_id: string }> = await m.query(
    `SELECT f.application_id FROM journal_entry e JOIN case_file f ON f.case_number = e.case_number
      WHERE e.case_number = $1 AND e.seq = $2`,
    [caseNumber, seq],
  );
  return rows[0]?.application_id;
}

export interface ExemptionRow {
  scope: ExemptionScope;
  legal_basis: string;
  public_title: string | null;
  marked_by: string;
  marked_at: Date;
}

/** The entry's exemption, locked (marking and lifting the same entry take turns). */
export async function lockExemption(m: EntityManager, caseNumber: string, seq: number): Promise<ExemptionRow | undefined> {
  const rows: ExemptionRow[] = await m.query(
    `SELECT scope, legal_basis, public_title, marked_by, marked_at FROM journal_exemption WHERE case_number = $1 AND seq = $2 FOR UPDATE`,
    [caseNumber, seq],
  );
  return rows[0];
}

export async function upsertExemption(
  m: EntityManager,
  caseNumber: string,
  seq: number,
  x: { scope: ExemptionScope; legalBasis: string; publicTitle: string | null; markedBy: string; markedAt: Date },
): Promise<void> {
  await m.query(
    `INSERT INTO journal_exemption (case_number, seq, scope, legal_basis, public_title, marked_by, marked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (case_number, seq) DO UPDATE
       SET scope = EXCLUDED.scope, legal_basis = EXCLUDED.legal_basis, public_title = EXCLUDED.public_title,
           marked_by = EXCLUDED.marked_by, marked_at = EXCLUDED.marked_at`,
    [caseNumber, seq, x.scope, x.legalBasis, x.publicTitle, x.markedBy, x.markedAt.toISOString()],
  );
}

export async function deleteExemption(m: EntityManager, caseNumber: string, seq: number): Promise<void> {
  await m.query(`DELETE FROM journal_exemption WHERE case_number = $1 AND seq = $2`, [caseNumber, seq]);
}
