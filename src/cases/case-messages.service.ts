import { Injectable, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { UploadedAttachment, safeFilename } from '../applications/attachments/attachments.service';
import { classify, CONTENT_TYPES, detectContent } from '../applications/attachments/file-type';
import { CaseJournal } from '../applications/case-journal.service';
import { JournalDirection } from '../applications/entities/case.entity';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { Clock } from '../common/clock';
import { decodeCursor, Page, PageQuery, pageLimit, toPage } from '../common/pagination';
import { DomainError } from '../common/problem';
import { isUuid } from '../common/uuid';
import { AppConfig } from '../config/app-config';
import { NotificationService } from '../notifications/notification.service';
import { Recipient } from '../notifications/notification.types';
import { languageOf } from '../organisations/entities/municipality.entity';
import { FileStorage } from '../storage/storage.port';
import { CaseMessageAccess, CaseMessagePolicy } from './case-message.policy';
import { CaseErrors as E } from './cases.errors';
import {
  applicantsOfConsortium,
  attachmentsOf,
  Audience,
  CaseRow,
  ContactRow,
  findCase,
  findMessage,
  findMessageAttachment,
  insertMessage,
  insertMessageAttachment,
  journalEntryId,
  listMessages,
  MessageAttachmentRow,
  messageForMail,
  MessageRow,
  staffOfCase,
} from './cases.queries';
import { WriteMessageDto } from './dto/case-messages.dto';
import { CaseMessageView, MessageAttachmentView } from './dto/case-messages.views';

export const CASE_MESSAGE_EVENT = 'case.message';

const CASE_NUMBER = /^\d{4}\/\d{5}$/;
const STAFF_ROLES = ['officer', 'approver'] as const;

/**
 * Messages in a case, with fixed audiences and no picker: the consortium's applicants write to the staff, the staff
 * write to the consortium (both in one thread, `CONSORTIUM`), and staff keep internal notes (`INTERNAL`). Each message
 * is a journal entry of the case in the same transaction (I from the consortium, U from staff, N a note) and tells the
 * other side through the outbox, as an ordinary (non-mandatory) notification: the recipient's opt-out and daily
 * digest apply. Who reaches which is CaseMessagePolicy's to say.
 */
@Injectable()
export class CaseMessagesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: CaseMessagePolicy,
    private readonly journal: CaseJournal,
    private readonly notifications: NotificationService,
    private readonly storage: FileStorage,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.notifications.define({
      event: CASE_MESSAGE_EVENT,
      template: 'case-message',
      // a message is conversation, not a decision: the recipient's opt-out and digest hold
      mandatory: false,
      variables: ['caseNumber', 'projectTitle', 'fromStaff', 'internal', 'subject', 'attachments'],
      resolve: async ({ entityId, manager }) => {
        const r = await messageForMail(manager, entityId);
        if (!r) return null;
        return {
          caseNumber: r.case_number,
          projectTitle: r.title,
          fromStaff: r.direction === 'U',
          internal: r.direction === 'N',
          subject: r.subject,
          attachments: r.attachments,
        };
      },
    });
  }

  /** The case, if the actor may reach it at `level`; 404 naming the case number otherwise (or if there is none). */
  private async caseFor(m: EntityManager, actor: Actor, caseNumber: string, level: CaseMessageAccess): Promise<CaseRow> {
    const found = CASE_NUMBER.test(caseNumber) ? await findCase(m, caseNumber) : undefined;
    if (!found || !(await this.policy.allows(m, actor, found.applicationId, level))) throw DomainError.notFound('Case', caseNumber);
    return found;
  }

  /** Before a byte of the body is read: the actor may write here. */
  async assertCanWrite(actor: Actor, caseNumber: string, audience: Audience): Promise<void> {
    await this.caseFor(this.dataSource.manager, actor, caseNumber, audience === 'INTERNAL' ? 'note' : 'write');
  }

  async write(
    actor: Actor,
    caseNumber: string,
    audience: Audience,
    dto: WriteMessageDto,
    files: UploadedAttachment[] = [],
  ): Promise<CaseMessageView> {
    try {
      const checked = await this.checkFiles(files);
      const id = await this.dataSource.transaction(async (m) => {
        const c = await this.caseFor(m, actor, caseNumber, audience === 'INTERNAL' ? 'note' : 'write');
        const fromStaff = actor.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r));
        const direction: JournalDirection = audience === 'INTERNAL' ? 'N' : fromStaff ? 'U' : 'I';
        const consortium = c.content.consortium.name;
        const at = this.clock.now();
        const subject = dto.subject?.trim() || null;
        const entry = await this.journal.record(m, caseNumber, {
          direction,
          documentType: direction === 'N' ? 'NOTAT' : 'MELDING',
          title: subject ?? DEFAULT_TITLE[direction](consortium),
          counterpart: direction === 'N' ? null : consortium,
          actor,
          at,
        });
        const messageId = await insertMessage(m, {
          caseNumber,
          applicationId: c.applicationId,
          audience,
          direction,
          subject,
          body: dto.body,
          authorUserId: actor.userId,
          journalEntryId: await journalEntryId(m, caseNumber, entry.seq),
          createdAt: at,
        });
        for (const [i, f] of checked.entries()) await insertMessageAttachment(m, { ...f, message_id: messageId, position: i + 1 });
        await this.audit.record(m, {
          action: audience === 'INTERNAL' ? 'case.note_written' : 'case.message_sent',
          entityType: 'case_message',
          entityId: messageId,
          before: null,
          // the text by its digest: the audit trail proves what was written without holding a second copy
          after: {
            caseNumber,
            audience,
            direction,
            entryNumber: entry.entryNumber,
            subject,
            bodySha256: createHash('sha256').update(dto.body).digest('hex'),
            attachments: checked.map((f) => ({ filename: f.filename, sha256: f.sha256 })),
          },
          actor,
        });
        await this.tellTheOtherSide(m, c, actor, messageId, direction);
        return messageId;
      });
      return this.view(this.dataSource.manager, (await findMessage(this.dataSource.manager, caseNumber, id))!);
    } catch (e) {
      await Promise.all(files.map((f) => this.storage.remove(f.key)));
      throw e;
    }
  }

  /** Each file recognised by its content, as an application's attachments are; together within the upload limit. */
  private async checkFiles(files: UploadedAttachment[]): Promise<Array<Omit<MessageAttachmentRow, 'id' | 'message_id' | 'position'>>> {
    const total = files.reduce((n, f) => n + f.sizeBytes, 0);
    const limit = this.config.maxUploadBytes;
    if (total > limit) {
      const message = `the files come to ${total} bytes together, more than the upload limit of ${limit} bytes`;
      throw new DomainError(413, E.MESSAGE_FILES_TOO_LARGE, `The attachments are too large: ${message}.`, [
        { field: 'files', code: E.MESSAGE_FILES_TOO_LARGE, message },
      ]);
    }
    const checked = [];
    for (const file of files) {
      const filename = safeFilename(file.originalname);
      const detected = await detectContent(file.head, file.sizeBytes, (start, end) => this.storage.readRange(file.key, start, end));
      const kind = classify(filename, detected);
      if (!kind.ok)
        throw new DomainError(415, kind.code, `The file ${filename} was refused: ${kind.message}.`, [
          { field: 'files', code: kind.code, message: kind.message },
        ]);
      checked.push({
        filename,
        file_type: kind.fileType,
        content_type: CONTENT_TYPES[kind.fileType],
        size_bytes: file.sizeBytes,
        sha256: file.sha256,
        storage_key: file.key,
      });
    }
    return checked;
  }

  /**
   * From the consortium: the case's staff (every officer while none has acted in the case). From staff: the
   * consortium's applicants, in the lead municipality's written language as every mail to the consortium. A note: the
   * case's other staff. Never the author. Users, by id, so their preferences (opt-out, digest) decide how it reaches them.
   */
  private async tellTheOtherSide(m: EntityManager, c: CaseRow, actor: Actor, messageId: string, direction: JournalDirection) {
    let people: ContactRow[];
    let language: Recipient['language'];
    if (direction === 'U') {
      people = await applicantsOfConsortium(m, c.consortiumId);
      language = languageOf(c.content.consortium.members.find((x) => x.lead)?.writtenLanguage);
    } else {
      people = await staffOfCase(m, c.caseNumber, { fallbackToOfficers: direction === 'I' });
    }
    const recipients: Recipient[] = people
      .filter((p) => p.id !== actor.userId)
      .map((p) => ({ email: p.email, name: p.display_name, userId: p.id, ...(language ? { language } : {}) }));
    if (!recipients.length) return;
    await this.notifications.notify(m, { event: CASE_MESSAGE_EVENT, entityType: 'case_message', entityId: messageId, recipients });
  }

  async list(actor: Actor, caseNumber: string, audience: Audience, q: PageQuery): Promise<Page<CaseMessageView>> {
    const m = this.dataSource.manager;
    await this.caseFor(m, actor, caseNumber, audience === 'INTERNAL' ? 'notes' : 'thread');
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']) as [string, string] | undefined;
    const limit = pageLimit(q);
    const rows = await listMessages(m, caseNumber, audience, after, limit + 1);
    const page = toPage(rows, limit, (r) => [r.created_key, r.id]);
    return { items: await this.views(m, page.items), nextCursor: page.nextCursor };
  }

  /** A file of a message, for whoever may read that message (a note's: staff only). */
  async openAttachment(
    actor: Actor,
    caseNumber: string,
    messageId: string,
    attachmentId: string,
  ): Promise<{ attachment: MessageAttachmentView; stream: Readable }> {
    const m = this.dataSource.manager;
    await this.caseFor(m, actor, caseNumber, 'thread');
    const message = isUuid(messageId) ? await findMessage(m, caseNumber, messageId) : undefined;
    if (!message) throw DomainError.notFound('Message', messageId);
    if (message.audience === 'INTERNAL') {
      const c = (await findCase(m, caseNumber))!;
      if (!(await this.policy.allows(m, actor, c.applicationId, 'notes'))) throw DomainError.notFound('Message', messageId);
    }
    const a = isUuid(attachmentId) ? await findMessageAttachment(m, messageId, attachmentId) : undefined;
    if (!a) throw DomainError.notFound('Attachment', attachmentId);
    return { attachment: attachmentView(a), stream: this.storage.read(a.storage_key) };
  }

  private async view(m: EntityManager, row: MessageRow): Promise<CaseMessageView> {
    return (await this.views(m, [row]))[0];
  }

  private async views(m: EntityManager, rows: MessageRow[]): Promise<CaseMessageView[]> {
    const files = await attachmentsOf(
      m,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      caseNumber: r.case_number,
      audience: r.audience,
      from: r.direction === 'I' ? 'CONSORTIUM' : 'STAFF',
      direction: r.direction,
      entryNumber: `${r.case_number}-${r.entry_seq}`,
      subject: r.subject,
      body: r.body,
      author: { userId: r.author_user_id, name: r.author_name },
      sentAt: new Date(r.created_at).toISOString(),
      attachments: files.filter((f) => f.message_id === r.id).map(attachmentView),
    }));
  }
}

/** The journal title of a message sent without a subject (the journal is kept in bokmål). */
const DEFAULT_TITLE: Record<JournalDirection, (consortium: string) => string> = {
  I: (c) => `Melding fra ${c}`,
  U: (c) => `Melding til ${c}`,
  N: () => 'Internt notat',
};

function attachmentView(a: MessageAttachmentRow): MessageAttachmentView {
  return {
    id: a.id,
    filename: a.filename,
    fileType: a.file_type,
    contentType: a.content_type,
    sizeBytes: Number(a.size_bytes),
    sha256: a.sha256,
  };
}
