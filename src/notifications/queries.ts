import { EntityManager } from 'typeorm';
import { Language, NotificationAttachment } from './notification.types';

/**
 * The notification module's raw SQL, one function per query, each returning typed rows (snake_case, as the
 * database names them; services map them to views). Callers pass the EntityManager: the one of their transaction,
 * or dataSource.manager outside one. A function here does not decide anything; the rules stay in the services.
 */

/* ------------------------------------------------------------------ operators */

export interface OperatorRow {
  id: string;
  event: string;
  entity_type: string;
  entity_id: string;
  recipient_email: string;
  recipient_name: string | null;
  recipient_user_id: string | null;
  language: Language | null;
  status: string;
  attempts: number;
  last_error: string | null;
  subject: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  /** created_at as text, full precision: the cursor key. */
  created_key: string;
}

const OPERATOR_COLUMNS = `id, event, entity_type, entity_id, recipient_email, recipient_name, recipient_user_id, language, status,
  attempts, last_error, subject, created_at, updated_at, sent_at, created_at::text AS created_key`;

/** Newest first; `after` is the (created_key, id) of the last row of the previous page (decodeCursor). */
export function listNotifications(
  m: EntityManager,
  filter: { status: string | null; event: string | null; after?: readonly unknown[]; limit: number },
): Promise<OperatorRow[]> {
  return m.query(
    `SELECT ${OPERATOR_COLUMNS} FROM notification
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR event = $2)
        AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $5`,
    [filter.status, filter.event, filter.after?.[0] ?? null, filter.after?.[1] ?? null, filter.limit],
  );
}

export async function findNotification(m: EntityManager, id: string): Promise<OperatorRow | undefined> {
  const [row]: OperatorRow[] = await m.query(`SELECT ${OPERATOR_COLUMNS} FROM notification WHERE id = $1`, [id]);
  return row;
}

export interface RetryRow {
  status: string;
  attempts: number;
  last_error: string | null;
}

/** Locks the row until the transaction ends. */
export async function lockNotificationForRetry(m: EntityManager, id: string): Promise<RetryRow | undefined> {
  const [row]: RetryRow[] = await m.query(`SELECT status, attempts, last_error FROM notification WHERE id = $1 FOR UPDATE`, [id]);
  return row;
}

/** Back to the start of the pipeline under a new generation, so jobs of the old one find nothing to do. */
export async function resetNotificationForRetry(m: EntityManager, id: string): Promise<void> {
  await m.query(`UPDATE notification SET status = 'pending', generation = generation + 1, attempts = 0, updated_at = now() WHERE id = $1`, [
    id,
  ]);
}

/* ------------------------------------------------------------------ a user's own */

export interface DeliveredRow {
  id: string;
  event: string;
  entity_type: string;
  entity_id: string;
  subject: string;
  body_text: string;
  language: Language;
  /** `digested` when it went out inside a digest. */
  status: 'sent' | 'digested';
  sent_at: Date | null;
  created_key: string;
}

/** What reached a user, by user id or by address (mail sent before the account existed); digests themselves left out. */
export function listDeliveredTo(
  m: EntityManager,
  recipient: { userId: string; email: string },
  page: { after?: readonly unknown[]; limit: number },
): Promise<DeliveredRow[]> {
  return m.query(
    `SELECT n.id, n.event, n.entity_type, n.entity_id, n.subject, n.body_text, n.language, n.status,
            COALESCE(n.sent_at, d.sent_at) AS sent_at, n.created_at::text AS created_key
       FROM notification n LEFT JOIN notification d ON d.id = n.digest_id
      WHERE (n.recipient_user_id = $1 OR n.recipient_email = $2)
        AND (n.status = 'sent' OR (n.status = 'digested' AND d.status = 'sent'))
        AND n.event <> 'notifications.digest'
        AND ($3::timestamptz IS NULL OR (n.created_at, n.id) < ($3::timestamptz, $4::uuid))
      ORDER BY n.created_at DESC, n.id DESC LIMIT $5`,
    [recipient.userId, recipient.email.toLowerCase(), page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit],
  );
}

export interface PreferencesRow {
  preferred_language: Language | null;
  /** NULL: the user never set preferences. */
  opt_out: boolean | null;
  digest: boolean | null;
}

export async function findPreferences(m: EntityManager, userId: string): Promise<PreferencesRow | undefined> {
  const [row]: PreferencesRow[] = await m.query(
    `SELECT u.preferred_language, p.opt_out, p.digest FROM app_user u LEFT JOIN notification_preference p ON p.user_id = u.id WHERE u.id = $1`,
    [userId],
  );
  return row;
}

/** null: no preference of the user's own (the organisation's målform, or bokmål, applies). */
export async function setPreferredLanguage(m: EntityManager, userId: string, language: Language | null): Promise<void> {
  await m.query(`UPDATE app_user SET preferred_language = $2, updated_at = now() WHERE id = $1`, [userId, language]);
}

/** A null leaves that preference as it is (false for a user who had none). */
export async function savePreferences(
  m: EntityManager,
  userId: string,
  p: { optOut: boolean | null; digest: boolean | null },
): Promise<void> {
  await m.query(
    `INSERT INTO notification_preference (user_id, opt_out, digest) VALUES ($1, COALESCE($2, false), COALESCE($3, false))
     ON CONFLICT (user_id) DO UPDATE SET opt_out = COALESCE($2, notification_preference.opt_out),
                                         digest = COALESCE($3, notification_preference.digest), updated_at = now()`,
    [userId, p.optOut, p.digest],
  );
}

/* ------------------------------------------------------------------ the worker's two stages */

export interface OutboxRow {
  id: string;
  event: string;
  entity_id: string;
  recipient_email: string;
  recipient_name: string | null;
  recipient_user_id: string | null;
  requested_language: Language | null;
  data: Record<string, unknown>;
  mandatory: boolean;
  status: string;
  generation: number;
  preferred_language: Language | null;
  opt_out: boolean | null;
  digest: boolean | null;
  /** Carries files: never folded into a digest. */
  has_attachments: boolean;
}

/** The row to render, with the recipient's language and preferences; locked until the transaction ends. */
export async function lockForRendering(m: EntityManager, id: string): Promise<OutboxRow | undefined> {
  const [row]: OutboxRow[] = await m.query(
    `SELECT n.id, n.event, n.entity_id, n.recipient_email, n.recipient_name, n.recipient_user_id, n.requested_language,
            n.data, n.mandatory, n.status, n.generation, u.preferred_language, p.opt_out, p.digest,
            jsonb_array_length(n.attachments) > 0 AS has_attachments
       FROM notification n
       LEFT JOIN app_user u ON u.id = n.recipient_user_id
       LEFT JOIN notification_preference p ON p.user_id = n.recipient_user_id
      WHERE n.id = $1
      FOR UPDATE OF n`,
    [id],
  );
  return row;
}

export async function finishWithoutMail(m: EntityManager, id: string, status: 'skipped' | 'failed', reason: string): Promise<void> {
  await m.query(`UPDATE notification SET status = $2, last_error = $3, updated_at = now() WHERE id = $1`, [id, status, reason]);
}

export async function saveRendered(
  m: EntityManager,
  id: string,
  r: { status: 'rendered' | 'digest'; language: Language; subject: string; text: string; html: string },
): Promise<void> {
  await m.query(
    `UPDATE notification SET status = $2, language = $3, subject = $4, body_text = $5, body_html = $6, last_error = NULL, updated_at = now()
      WHERE id = $1`,
    [id, r.status, r.language, r.subject, r.text, r.html],
  );
}

export interface ClaimedMailRow {
  recipient_email: string;
  recipient_name: string | null;
  subject: string;
  body_text: string;
  body_html: string | null;
  /** Counting this one. */
  attempts: number;
  /** As notify() recorded them: the same files on every attempt. */
  attachments: NotificationAttachment[];
}

/** The claim: only one worker moves a row of this generation from rendered to sending; undefined when another did. */
export async function claimForSending(m: EntityManager, id: string, generation: number): Promise<ClaimedMailRow | undefined> {
  const [row]: ClaimedMailRow[] = await m.query(
    `WITH claimed AS (
         UPDATE notification SET status = 'sending', attempts = attempts + 1, updated_at = now()
          WHERE id = $1 AND generation = $2 AND status = 'rendered'
         RETURNING recipient_email, recipient_name, subject, body_text, body_html, attempts, attachments)
       SELECT * FROM claimed`,
    [id, generation],
  );
  return row;
}

/** After a refused send: back to rendered for another attempt, or failed for good. */
export async function releaseAfterFailedSend(m: EntityManager, id: string, status: 'rendered' | 'failed', error: string): Promise<void> {
  await m.query(`UPDATE notification SET status = $2, last_error = $3, updated_at = now() WHERE id = $1 AND status = 'sending'`, [
    id,
    status,
    error,
  ]);
}

/** `rendered` too: the relay may have released the claim as expired while the server took its time. */
export async function markSent(
  m: EntityManager,
  id: string,
  generation: number,
  sent: { messageId: string; receipt: string },
): Promise<void> {
  await m.query(
    `UPDATE notification SET status = 'sent', sent_at = now(), message_id = $3, receipt = $4, last_error = NULL, updated_at = now()
      WHERE id = $1 AND generation = $2 AND status IN ('sending', 'rendered')`,
    [id, generation, sent.messageId, sent.receipt.slice(0, 1000)],
  );
}

/** Only from the given statuses and generation: a row moved on meanwhile is left alone. */
export async function markFailed(m: EntityManager, id: string, generation: number, from: string[], error: string): Promise<void> {
  await m.query(
    `UPDATE notification SET status = 'failed', last_error = $4, updated_at = now() WHERE id = $1 AND generation = $2 AND status = ANY($3::text[])`,
    [id, generation, from, error],
  );
}

/* ------------------------------------------------------------------ digests */

export interface DigestItemRow {
  subject: string;
  text: string;
}

export function findDigestItems(m: EntityManager, ids: string[]): Promise<DigestItemRow[]> {
  return m.query(`SELECT subject, body_text AS text FROM notification WHERE id = ANY($1::uuid[]) ORDER BY created_at, id`, [ids]);
}

/* ------------------------------------------------------------------ recording */

export interface RecordedNotification {
  event: string;
  entityType: string;
  entityId: string;
  /** Lower-case. */
  email: string;
  name: string | null;
  /** null: the user with this address, if there is one. */
  userId: string | null;
  language: Language | null;
  /** JSON text. */
  data: string;
  idempotencyKey: string;
  mandatory: boolean;
  /** JSON text. */
  attachments: string;
}

/** One outbox row; undefined when its idempotency key was recorded already. */
export async function insertNotification(m: EntityManager, n: RecordedNotification): Promise<string | undefined> {
  const rows: Array<{ id: string }> = await m.query(
    `INSERT INTO notification (event, entity_type, entity_id, recipient_email, recipient_name, recipient_user_id,
                                   requested_language, data, idempotency_key, mandatory, attachments)
         VALUES ($1, $2, $3, $4, $5, COALESCE($6::uuid, (SELECT id FROM app_user WHERE email = $4)), $7, $8::jsonb, $9, $10, $11::jsonb)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id`,
    [n.event, n.entityType, n.entityId, n.email, n.name, n.userId, n.language, n.data, n.idempotencyKey, n.mandatory, n.attachments],
  );
  return rows[0]?.id;
}

/* ------------------------------------------------------------------ the relay */

export interface RelayRow {
  id: string;
  status: string;
  generation: number;
}

/** Rows on their way (queued, rendered) not touched for `olderThanSeconds`, oldest first. */
export function rowsOnTheirWay(m: EntityManager, olderThanSeconds: number, limit: number): Promise<RelayRow[]> {
  return m.query(
    `SELECT id, status, generation FROM notification
        WHERE status IN ('queued', 'rendered') AND updated_at < now() - make_interval(secs => $1)
        ORDER BY updated_at, id LIMIT $2`,
    [olderThanSeconds, limit],
  );
}

/** A row on its way whose job is presumed lost: not touched for STALE_AFTER_SECONDS ($1), or since before $3 (see OutboxRelay.orphanedBefore). */
const STALE = `updated_at < now() - make_interval(secs => $1) OR updated_at < $3::timestamptz`;

export interface PickedRow extends RelayRow {
  stale: boolean;
  /** As text, full precision: to put the row back as it was. */
  updated_at: string;
}

/** Pending rows and stale ones on their way, oldest first, locked (rows another relay holds are skipped). */
export function pickForRelay(
  m: EntityManager,
  p: { staleAfterSeconds: number; limit: number; orphanedBefore: Date | null },
): Promise<PickedRow[]> {
  return m.query(
    `SELECT id, status, generation, updated_at::text, (${STALE}) IS TRUE AS stale FROM notification
          WHERE status = 'pending' OR (status IN ('queued', 'rendered', 'sending') AND ${STALE})
          ORDER BY created_at, id
          LIMIT $2
          FOR UPDATE SKIP LOCKED`,
    [p.staleAfterSeconds, p.limit, p.orphanedBefore],
  );
}

/** pending → queued, sending → rendered (a stale claim released); the others only touched. */
export async function markHandedOver(m: EntityManager, ids: string[]): Promise<void> {
  await m.query(
    `UPDATE notification SET status = CASE status WHEN 'pending' THEN 'queued' WHEN 'sending' THEN 'rendered' ELSE status END, updated_at = now()
            WHERE id = ANY($1::uuid[])`,
    [ids],
  );
}

/** Undoes markHandedOver for rows the queue did not take, each as it was; a row moved on meanwhile is left alone. */
export async function putBack(m: EntityManager, rows: Array<{ id: string; status: string; updated_at: string }>): Promise<void> {
  await m.query(
    `UPDATE notification n SET status = x.status, updated_at = x.updated_at
           FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, status text, updated_at timestamptz)
          WHERE n.id = x.id AND n.status = CASE x.status WHEN 'pending' THEN 'queued' WHEN 'sending' THEN 'rendered' ELSE x.status END`,
    [JSON.stringify(rows)],
  );
}

/* ------------------------------------------------------------------ the digest run */

export interface DigestWaitingRow {
  id: string;
  recipient_email: string;
  recipient_name: string | null;
  recipient_user_id: string | null;
}

/** Rows waiting for a digest, by recipient, locked (rows another run holds are skipped). */
export function lockWaitingForDigest(m: EntityManager): Promise<DigestWaitingRow[]> {
  return m.query(
    `SELECT id, recipient_email, recipient_name, recipient_user_id FROM notification
          WHERE status = 'digest' ORDER BY recipient_email, created_at, id FOR UPDATE SKIP LOCKED`,
  );
}

export async function markDigested(m: EntityManager, digestId: string, ids: string[]): Promise<void> {
  await m.query(`UPDATE notification SET status = 'digested', digest_id = $1, updated_at = now() WHERE id = ANY($2::uuid[])`, [
    digestId,
    ids,
  ]);
}
