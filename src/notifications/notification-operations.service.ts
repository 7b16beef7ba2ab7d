import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, Page, PageQuery, pageLimit, toPage } from '../common/pagination';
import { DomainError } from '../common/problem';
import { Transactions } from '../database/transaction';
import { TEST_MAIL } from './built-in-events';
import { NotificationPreferencesDto, NotificationQuery, TestMailDto } from './dto/notifications.dto';
import { NotificationErrors } from './notifications.errors';
import { NotificationService } from './notification.service';
import { OutboxRelay } from './outbox-relay';
import { isUuid } from '../common/uuid';
import { Actor } from '../common/actor';

const OPERATOR_COLUMNS = `id, event, entity_type, entity_id, recipient_email, recipient_name, recipient_user_id, language, status,
  attempts, last_error, subject, created_at, updated_at, sent_at, created_at::text AS created_key`;

interface OperatorRow {
  id: string;
  event: string;
  entity_type: string;
  entity_id: string;
  recipient_email: string;
  recipient_name: string | null;
  recipient_user_id: string | null;
  language: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  subject: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  created_key: string;
}

export interface NotificationPreferences {
  language: 'nb' | 'nn' | null;
  optOut: boolean;
  digest: boolean;
}

/** The operator view (list, retry, test mail) and each user's own view (what was sent to me, my preferences). */
@Injectable()
export class NotificationOperations {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
    private readonly relay: OutboxRelay,
  ) {}

  async list(q: NotificationQuery): Promise<Page<ReturnType<typeof operatorView>>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, 2);
    const params: unknown[] = [q.status ?? null, q.event ?? null, after?.[0] ?? null, after?.[1] ?? null, limit + 1];
    const rows: OperatorRow[] = await this.dataSource.query(
      `SELECT ${OPERATOR_COLUMNS} FROM notification
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR event = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      params,
    );
    const page = toPage(rows, limit, (r) => [r.created_key, r.id]);
    return { items: page.items.map(operatorView), nextCursor: page.nextCursor };
  }

  async get(id: string) {
    const [row]: OperatorRow[] = isUuid(id)
      ? await this.dataSource.query(`SELECT ${OPERATOR_COLUMNS} FROM notification WHERE id = $1`, [id])
      : [];
    if (!row) throw DomainError.notFound('Notification', id);
    return operatorView(row);
  }

  /** A failed notification goes through the whole pipeline again: re-read, re-render with current data, send. */
  async retry(actor: Actor, id: string) {
    await this.tx.run(async (m) => {
      const [row]: Array<{ status: string; attempts: number; last_error: string | null }> = isUuid(id)
        ? await m.query(`SELECT status, attempts, last_error FROM notification WHERE id = $1 FOR UPDATE`, [id])
        : [];
      if (!row) throw DomainError.notFound('Notification', id);
      if (row.status !== 'failed') {
        throw DomainError.conflict(
          NotificationErrors.NOT_RETRYABLE,
          `Only a failed notification can be retried; this one is ${row.status}.`,
          { notificationStatus: row.status },
        );
      }
      await m.query(
        `UPDATE notification SET status = 'pending', generation = generation + 1, attempts = 0, updated_at = now() WHERE id = $1`,
        [id],
      );
      await this.audit.record(m, {
        action: 'notification.retry',
        entityType: 'notification',
        entityId: id,
        before: { status: row.status, attempts: row.attempts, lastError: row.last_error },
        after: { status: 'pending', attempts: 0 },
        actor,
      });
      this.relay.afterCommit(m);
    });
    return this.get(id);
  }

  async sendTest(actor: Actor, dto: TestMailDto) {
    const id = await this.tx.run(async (m) => {
      const [id] = await this.notifications.record(m, {
        event: TEST_MAIL,
        entityType: 'notification-test',
        entityId: randomUUID(),
        recipients: [{ email: dto.email, name: dto.name, language: dto.language }],
        data: { requestedBy: actor.email },
      });
      await this.audit.record(m, {
        action: 'notification.test',
        entityType: 'notification',
        entityId: id,
        after: { recipient: dto.email.toLowerCase() },
        actor,
      });
      return id;
    });
    return this.get(id);
  }

  /** What was sent to the caller, by user id or by address (mail sent before the account existed). */
  async mine(actor: Actor, q: PageQuery) {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, 2);
    const rows: Array<{
      id: string;
      event: string;
      entity_type: string;
      entity_id: string;
      subject: string;
      body_text: string;
      language: string;
      status: string;
      sent_at: Date | null;
      created_key: string;
    }> = await this.dataSource.query(
      `SELECT n.id, n.event, n.entity_type, n.entity_id, n.subject, n.body_text, n.language, n.status,
              COALESCE(n.sent_at, d.sent_at) AS sent_at, n.created_at::text AS created_key
         FROM notification n LEFT JOIN notification d ON d.id = n.digest_id
        WHERE (n.recipient_user_id = $1 OR n.recipient_email = $2)
          AND (n.status = 'sent' OR (n.status = 'digested' AND d.status = 'sent'))
          AND n.event <> 'notifications.digest'
          AND ($3::timestamptz IS NULL OR (n.created_at, n.id) < ($3::timestamptz, $4::uuid))
        ORDER BY n.created_at DESC, n.id DESC LIMIT $5`,
      [actor.userId, actor.email.toLowerCase(), after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = toPage(rows, limit, (r) => [r.created_key, r.id]);
    return {
      items: page.items.map((r) => ({
        id: r.id,
        event: r.event,
        entityType: r.entity_type,
        entityId: r.entity_id,
        subject: r.subject,
        text: r.body_text,
        language: r.language,
        deliveredIn: r.status === 'digested' ? 'digest' : 'mail',
        sentAt: r.sent_at,
      })),
      nextCursor: page.nextCursor,
    };
  }

  preferences(actor: Actor): Promise<NotificationPreferences> {
    return this.preferencesIn(this.dataSource.manager, actor.userId);
  }

  async setPreferences(actor: Actor, dto: NotificationPreferencesDto): Promise<NotificationPreferences> {
    return this.tx.run(async (m) => {
      const before = await this.preferencesIn(m, actor.userId);
      // the language is the user's, shared with everything else written to them; it lives on the user
      if (dto.language !== undefined)
        await m.query(`UPDATE app_user SET preferred_language = $2, updated_at = now() WHERE id = $1`, [actor.userId, dto.language]);
      await m.query(
        `INSERT INTO notification_preference (user_id, opt_out, digest) VALUES ($1, COALESCE($2, false), COALESCE($3, false))
         ON CONFLICT (user_id) DO UPDATE SET opt_out = COALESCE($2, notification_preference.opt_out),
                                             digest = COALESCE($3, notification_preference.digest), updated_at = now()`,
        [actor.userId, dto.optOut ?? null, dto.digest ?? null],
      );
      const after = await this.preferencesIn(m, actor.userId);
      await this.audit.record(m, { action: 'notification.preferences', entityType: 'user', entityId: actor.userId, before, after, actor });
      return after;
    });
  }

  private async preferencesIn(m: EntityManager, userId: string): Promise<NotificationPreferences> {
    const [row] = await m.query(
      `SELECT u.preferred_language, p.opt_out, p.digest FROM app_user u LEFT JOIN notification_preference p ON p.user_id = u.id WHERE u.id = $1`,
      [userId],
    );
    return { language: row?.preferred_language ?? null, optOut: row?.opt_out ?? false, digest: row?.digest ?? false };
  }
}

function operatorView(r: OperatorRow) {
  return {
    id: r.id,
    event: r.event,
    entityType: r.entity_type,
    entityId: r.entity_id,
    recipient: { email: r.recipient_email, name: r.recipient_name, userId: r.recipient_user_id },
    language: r.language,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    subject: r.subject,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
  };
}
