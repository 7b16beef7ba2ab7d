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
import {
  findNotification,
  findPreferences,
  listDeliveredTo,
  listNotifications,
  lockNotificationForRetry,
  OperatorRow,
  resetNotificationForRetry,
  savePreferences,
  setPreferredLanguage,
} from './queries';

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
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const rows = await listNotifications(this.dataSource.manager, {
      status: q.status ?? null,
      event: q.event ?? null,
      after,
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (r) => [r.created_key, r.id]);
    return { items: page.items.map(operatorView), nextCursor: page.nextCursor };
  }

  async get(id: string) {
    const row = isUuid(id) ? await findNotification(this.dataSource.manager, id) : undefined;
    if (!row) throw DomainError.notFound('Notification', id);
    return operatorView(row);
  }

  /** A failed notification goes through the whole pipeline again: re-read, re-render with current data, send. */
  async retry(actor: Actor, id: string) {
    await this.tx.run(async (m) => {
      const row = isUuid(id) ? await lockNotificationForRetry(m, id) : undefined;
      if (!row) throw DomainError.notFound('Notification', id);
      if (row.status !== 'failed') {
        throw DomainError.conflict(
          NotificationErrors.NOT_RETRYABLE,
          `Only a failed notification can be retried; this one is ${row.status}.`,
          { notificationStatus: row.status },
        );
      }
      await resetNotificationForRetry(m, id);
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
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const rows = await listDeliveredTo(this.dataSource.manager, { userId: actor.userId, email: actor.email }, { after, limit: limit + 1 });
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
      if (dto.language !== undefined) await setPreferredLanguage(m, actor.userId, dto.language);
      await savePreferences(m, actor.userId, { optOut: dto.optOut ?? null, digest: dto.digest ?? null });
      const after = await this.preferencesIn(m, actor.userId);
      await this.audit.record(m, { action: 'notification.preferences', entityType: 'user', entityId: actor.userId, before, after, actor });
      return after;
    });
  }

  private async preferencesIn(m: EntityManager, userId: string): Promise<NotificationPreferences> {
    const row = await findPreferences(m, userId);
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
