import { EntityManager } from 'typeorm';
import { ApplicationContent } from '../applications/application-content';
import { JournalDirection } from '../applications/entities/case.entity';
import { exactTimeSql } from '../common/pagination';

/** A case with what its messages need: the application it follows, and the consortium as the frozen version names it. */
export interface CaseRow {
  caseNumber: string;
  applicationId: string;
  consortiumId: string;
  title: string;
  content: ApplicationContent;
}

export async function findCase(m: EntityManager, caseNumber: string): Promise<CaseRow | undefined> {
  const [row]: Array<{ case_number: string; application_id: string; consortium_id: string; title: string; content: ApplicationContent }> =
    await m.query(
      `SELECT f.case_number, f.application_id, a.consortium_id, f.title, v.content
         FROM case_file f
         JOIN application a ON a.id = f.application_id
         JOIN application_version v ON v.application_id = a.id AND v.version = a.current_version
        WHERE f.case_number = $1`,
      [caseNumber],
    );
  return (
    row && {
      caseNumber: row.case_number,
      applicationId: row.application_id,
      consortiumId: row.consortium_id,
      title: row.title,
      content: row.content,
    }
  );
}

export type Audience = 'CONSORTIUM' | 'INTERNAL';

export interface MessageRow {
  id: string;
  case_number: string;
  audience: Audience;
  direction: JournalDirection;
  subject: string | null;
  body: string;
  author_user_id: string;
  author_name: string;
  entry_seq: number;
  created_at: Date;
  /** The sort key of the row, microseconds included (see exactTimeSql). */
  created_key: string;
}

const MESSAGE_COLUMNS = `cm.id, cm.case_number, cm.audience, cm.direction, cm.subject, cm.body, cm.author_user_id,
  u.display_name AS author_name, j.seq AS entry_seq, cm.created_at, ${exactTimeSql('cm.created_at')} AS created_key`;
const MESSAGE_FROM = `case_message cm JOIN app_user u ON u.id = cm.author_user_id JOIN journal_entry j ON j.id = cm.journal_entry_id`;

export async function insertMessage(
  m: EntityManager,
  r: {
    caseNumber: string;
    applicationId: string;
    audience: Audience;
    direction: JournalDirection;
    subject: string | null;
    body: string;
    authorUserId: string;
    journalEntryId: string;
    createdAt: Date;
  },
): Promise<string> {
  const [row]: Array<{ id: string }> = await m.query(
    `INSERT INTO case_message (case_number, application_id, audience, direction, subject, body, author_user_id, journal_entry_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [r.caseNumber, r.applicationId, r.audience, r.direction, r.subject, r.body, r.authorUserId, r.journalEntryId, r.createdAt],
  );
  return row.id;
}

export interface MessageAttachmentRow {
  id: string;
  message_id: string;
  position: number;
  filename: string;
  file_type: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
}

export async function insertMessageAttachment(m: EntityManager, r: Omit<MessageAttachmentRow, 'id'>): Promise<void> {
  await m.query(
    `INSERT INTO case_message_attachment (message_id, position, filename, file_type, content_type, size_bytes, sha256, storage_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [r.message_id, r.position, r.filename, r.file_type, r.content_type, r.size_bytes, r.sha256, r.storage_key],
  );
}

export async function findMessage(m: EntityManager, caseNumber: string, id: string): Promise<MessageRow | undefined> {
  const [row]: MessageRow[] = await m.query(`SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE cm.case_number = $1 AND cm.id = $2`, [
    caseNumber,
    id,
  ]);
  return row;
}

/** A page of one audience's messages in a case, oldest first, after the keyset cursor (created_at, id). */
export async function listMessages(
  m: EntityManager,
  caseNumber: string,
  audience: Audience,
  after: [string, string] | undefined,
  limit: number,
): Promise<MessageRow[]> {
  const params: unknown[] = [caseNumber, audience, limit];
  let where = '';
  if (after) {
    params.push(after[0], after[1]);
    where = `AND (cm.created_at, cm.id) > ($4::timestamptz, $5::uuid)`;
  }
  return m.query(
    `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM}
      WHERE cm.case_number = $1 AND cm.audience = $2 ${where}
      ORDER BY cm.created_at, cm.id LIMIT $3`,
    params,
  );
}

export async function attachmentsOf(m: EntityManager, messageIds: string[]): Promise<MessageAttachmentRow[]> {
  if (!messageIds.length) return [];
  return m.query(
    `SELECT id, message_id, position, filename, file_type, content_type, size_bytes, sha256, storage_key
       FROM case_message_attachment WHERE message_id = ANY($1::uuid[]) ORDER BY message_id, position`,
    [messageIds],
  );
}

export async function findMessageAttachment(m: EntityManager, messageId: string, id: string): Promise<MessageAttachmentRow | undefined> {
  const [row]: MessageAttachmentRow[] = await m.query(
    `SELECT id, message_id, position, filename, file_type, content_type, size_bytes, sha256, storage_key
       FROM case_message_attachment WHERE message_id = $1 AND id = $2`,
    [messageId, id],
  );
  return row;
}

export interface ContactRow {
  id: string;
  email: string;
  display_name: string;
}

/**
 * The case's staff: active officers and approvers who have registered an entry in its journal (a formal check, a
 * decision, a message …). Nobody yet (a case just submitted): every active officer, so a first message is not lost.
 */
export async function staffOfCase(m: EntityManager, caseNumber: string, opts: { fallbackToOfficers: boolean }): Promise<ContactRow[]> {
  const rows: ContactRow[] = await m.query(
    `SELECT u.id, u.email, u.display_name FROM app_user u
      WHERE u.active AND u.roles && ARRAY['officer','approver']::text[]
        AND EXISTS (SELECT 1 FROM journal_entry j WHERE j.case_number = $1 AND j.registered_by = u.id)
      ORDER BY u.email`,
    [caseNumber],
  );
  if (rows.length || !opts.fallbackToOfficers) return rows;
  return m.query(`SELECT id, email, display_name FROM app_user WHERE active AND 'officer' = ANY(roles) ORDER BY email`);
}

/** The consortium's applicants: active applicant users acting for one of its members (those who may read its messages). */
export async function applicantsOfConsortium(m: EntityManager, consortiumId: string): Promise<ContactRow[]> {
  return m.query(
    `SELECT DISTINCT u.id, u.email, u.display_name FROM app_user u
       JOIN user_organisation uo ON uo.user_id = u.id
       JOIN consortium_member cm ON cm.organisation_id = uo.organisation_id AND cm.consortium_id = $1
      WHERE u.active AND 'applicant' = ANY(u.roles)
      ORDER BY u.email`,
    [consortiumId],
  );
}

/** What the mail about a message says, read when it is sent. */
export async function messageForMail(
  m: EntityManager,
  id: string,
): Promise<{ case_number: string; title: string; direction: JournalDirection; subject: string | null; attachments: number } | undefined> {
  const [row] = await m.query(
    `SELECT cm.case_number, f.title, cm.direction, cm.subject,
            (SELECT count(*)::int FROM case_message_attachment a WHERE a.message_id = cm.id) AS attachments
       FROM case_message cm JOIN case_file f ON f.case_number = cm.case_number WHERE cm.id = $1`,
    [id],
  );
  return row;
}

// ------------------------------------------------------------------------------------------------ the activity feed

export type ActivityKind = 'JOURNAL' | 'MESSAGE' | 'TRANSITION';

export interface ActivityRow {
  kind: ActivityKind;
  at: Date;
  at_key: string;
  rank: number;
  tiebreak: string;
  actor_user_id: string | null;
  seq: number | null;
  direction: JournalDirection | null;
  document_type: string | null;
  title: string | null;
  message_id: string | null;
  audience: Audience | null;
  entity_type: string | null;
  entity_id: string | null;
  from_state: string | null;
  to_state: string | null;
  event: string | null;
  reason: string | null;
}

/**
 * The objects of a case whose state transitions belong on its time line, as (entity_type, entity_id) for the
 * application $1. A module that adds a stateful thing of a case adds its line here.
 */
const CASE_ENTITIES = `
  SELECT 'application'::text AS entity_type, $1::uuid AS entity_id
  UNION ALL SELECT 'assessment_assignment', id FROM assessment_assignment WHERE application_id = $1
  UNION ALL SELECT 'decision', id FROM decision WHERE application_id = $1
  UNION ALL SELECT 'appeal', id FROM appeal WHERE application_id = $1
  UNION ALL SELECT 'grant', id FROM grant_award WHERE application_id = $1
  UNION ALL SELECT 'report', id FROM report WHERE application_id = $1
  UNION ALL SELECT 'payment', p.id FROM payment p JOIN grant_award g ON g.id = p.grant_id WHERE g.application_id = $1
  UNION ALL SELECT 'reclaim', r.id FROM reclaim r JOIN grant_award g ON g.id = r.grant_id WHERE g.application_id = $1
  UNION ALL SELECT 'grant_change', c.id FROM grant_change_request c JOIN grant_award g ON g.id = c.grant_id WHERE g.application_id = $1
  UNION ALL SELECT 'grant_status_change', c.id FROM grant_status_change c JOIN grant_award g ON g.id = c.grant_id WHERE g.application_id = $1`;

/**
 * One time line of a case: its journal entries (those of messages as messages) and the state transitions of the
 * application and everything decided on it, oldest first; at the same instant a transition before the entry it led to.
 */
export async function caseActivity(
  m: EntityManager,
  applicationId: string,
  caseNumber: string,
  after: [string, number, string] | undefined,
  limit: number,
): Promise<ActivityRow[]> {
  const params: unknown[] = [applicationId, caseNumber, limit];
  let where = '';
  if (after) {
    params.push(after[0], after[1], after[2]);
    where = `WHERE (x.at, x.rank, x.tiebreak) > ($4::timestamptz, $5::int, $6::text)`;
  }
  return m.query(
    `WITH case_entities AS (${CASE_ENTITIES})
     SELECT x.*, ${exactTimeSql('x.at')} AS at_key FROM (
       SELECT CASE WHEN cm.id IS NULL THEN 'JOURNAL' ELSE 'MESSAGE' END AS kind, j.registered_at AS at, 1 AS rank,
              lpad(j.seq::text, 10, '0') AS tiebreak, j.registered_by AS actor_user_id, j.seq, j.direction::text AS direction,
              j.document_type, j.title, cm.id AS message_id, cm.audience,
              NULL::text AS entity_type, NULL::uuid AS entity_id, NULL::text AS from_state, NULL::text AS to_state,
              NULL::text AS event, NULL::text AS reason
         FROM journal_entry j LEFT JOIN case_message cm ON cm.journal_entry_id = j.id
        WHERE j.case_number = $2
       UNION ALL
       SELECT 'TRANSITION', st.occurred_at, 0, lpad(st.id::text, 20, '0'), st.actor_user_id, NULL, NULL, NULL, NULL, NULL, NULL,
              st.entity_type, st.entity_id, st.from_state, st.to_state, st.event, st.reason
         FROM state_transition st JOIN case_entities ce ON ce.entity_type = st.entity_type AND ce.entity_id = st.entity_id
     ) x
     ${where}
     ORDER BY x.at, x.rank, x.tiebreak
     LIMIT $3`,
    params,
  );
}

/** The id of the journal entry YYYY/NNNNN-seq (CaseJournal.record answers with its number). */
export async function journalEntryId(m: EntityManager, caseNumber: string, seq: number): Promise<string> {
  const [row]: Array<{ id: string }> = await m.query(`SELECT id FROM journal_entry WHERE case_number = $1 AND seq = $2`, [caseNumber, seq]);
  return row.id;
}
