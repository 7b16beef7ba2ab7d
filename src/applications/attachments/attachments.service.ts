import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/problem';
import { ApplicationErrors as E } from '../applications.errors';
import { ApplicationsService } from '../applications.service';
import { Attachment } from '../entities/application.entity';
import { classify, CONTENT_TYPES, detectContent } from './file-type';
import { FileStorage, StoredFile } from '../../storage/storage.port';
import { isUuid } from '../../common/uuid';
import { Actor } from '../../common/actor';
import { attachmentUsage, letterOfIntentOwner } from '../applications.queries';

/** What the upload parser hands the route: the stored file, already hashed, and its name as sent. */
export type UploadedAttachment = StoredFile & { originalname: string };

export interface AttachmentView {
  id: string;
  filename: string;
  fileType: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  description: string | null;
  uploadedAt: string;
}

/** Attachments of an application: checked by content, stored behind the storage port with a SHA-256 checksum. */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsService,
    private readonly storage: FileStorage,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Before a byte of the body is read: the caller may attach here, and the application's quota has room left. */
  async assertCanAttach(actor: Actor, applicationId: string): Promise<void> {
    this.applications.assertEditable(await this.applications.find(this.dataSource.manager, actor, applicationId, 'write', false));
    await this.assertQuota(this.dataSource.manager, applicationId, 0);
  }

  /**
   * The quotas over the attachments in the draft (MAX_ATTACHMENTS_PER_APPLICATION, MAX_ATTACHMENT_BYTES_PER_APPLICATION):
   * with `adding` bytes more, one more file must fit. Files only a frozen version still holds do not count: the
   * applicant can no longer remove them.
   */
  private async assertQuota(m: EntityManager, applicationId: string, adding: number): Promise<void> {
    const { count: n, bytes } = await attachmentUsage(m, applicationId);
    const maxCount = this.config.maxAttachmentsPerApplication;
    if (n + 1 > maxCount) {
      const message = `the application already has ${n} attachments, the most it may have is ${maxCount}; remove one first`;
      throw new DomainError(409, E.TOO_MANY_ATTACHMENTS, `Too many attachments: ${message}.`, [
        { field: 'file', code: E.TOO_MANY_ATTACHMENTS, message },
      ]);
    }
    const maxBytes = this.config.maxAttachmentBytesPerApplication;
    const total = bytes + adding;
    if (total > maxBytes || (adding === 0 && bytes >= maxBytes)) {
      const message = `the application's attachments would take ${total} bytes together, more than its quota of ${maxBytes} bytes`;
      throw new DomainError(413, E.ATTACHMENT_QUOTA_EXCEEDED, `The attachment quota is used up: ${message}.`, [
        { field: 'file', code: E.ATTACHMENT_QUOTA_EXCEEDED, message },
      ]);
    }
  }

  async add(actor: Actor, applicationId: string, file: UploadedAttachment | undefined, description?: string): Promise<AttachmentView> {
    if (!file)
      throw DomainError.validation([
        { field: 'file', code: E.FILE_MISSING, message: 'send the document as multipart/form-data in the field "file"' },
      ]);
    try {
      const filename = safeFilename(file.originalname);
      const detected = await detectContent(file.head, file.sizeBytes, (start, end) => this.storage.readRange(file.key, start, end));
      const kind = classify(filename, detected);
      if (!kind.ok)
        throw new DomainError(415, kind.code, `The file was refused: ${kind.message}.`, [
          { field: 'file', code: kind.code, message: kind.message },
        ]);
      return await this.dataSource.transaction(async (m) => {
        // under the application's row lock: two uploads at once cannot both take the last of the quota
        const app = await this.applications.find(m, actor, applicationId, 'write');
        this.applications.assertEditable(app);
        await this.assertQuota(m, applicationId, file.sizeBytes);
        const repo = m.getRepository(Attachment);
        const saved = await repo.save(
          repo.create({
            applicationId,
            filename,
            fileType: kind.fileType,
            contentType: CONTENT_TYPES[kind.fileType],
            sizeBytes: file.sizeBytes,
            sha256: file.sha256,
            storageKey: file.key,
            description: description ?? null,
            uploadedBy: actor.userId,
          }),
        );
        const view = attachmentView(saved);
        await this.audit.record(m, {
          action: 'application.attachment_added',
          entityType: 'application',
          entityId: applicationId,
          before: null,
          after: view,
        });
        return view;
      });
    } catch (e) {
      await this.storage.remove(file.key);
      throw e;
    }
  }

  async open(actor: Actor, applicationId: string, attachmentId: string): Promise<{ attachment: AttachmentView; stream: Readable }> {
    await this.applications.find(this.dataSource.manager, actor, applicationId);
    const a = isUuid(attachmentId) ? await this.dataSource.getRepository(Attachment).findOneBy({ id: attachmentId, applicationId }) : null;
    if (!a) throw DomainError.notFound('Attachment', attachmentId);
    return { attachment: attachmentView(a), stream: this.storage.read(a.storageKey) };
  }

  /** A file no submission included is deleted; one a frozen version includes stays, only dropped from the draft. */
  async remove(actor: Actor, applicationId: string, attachmentId: string): Promise<void> {
    const deletedKey = await this.dataSource.transaction(async (m) => {
      const app = await this.applications.find(m, actor, applicationId, 'write');
      this.applications.assertEditable(app);
      const repo = m.getRepository(Attachment);
      const a = isUuid(attachmentId) ? await repo.findOneBy({ id: attachmentId, applicationId }) : null;
      if (!a || a.removedAt) throw DomainError.notFound('Attachment', attachmentId);
      const letterOf = await letterOfIntentOwner(m, a.id);
      if (letterOf)
        throw DomainError.conflict(
          E.ATTACHMENT_IS_LETTER_OF_INTENT,
          `This file is the letter of intent (intensjonsavtale) of ${letterOf} in the consortium; it cannot be removed.`,
        );
      if (a.firstSubmittedVersion === null) await repo.delete({ id: a.id });
      else await repo.update({ id: a.id }, { removedAt: this.clock.now() });
      await this.audit.record(m, {
        action: 'application.attachment_removed',
        entityType: 'application',
        entityId: applicationId,
        before: attachmentView(a),
        after: null,
      });
      return a.firstSubmittedVersion === null ? a.storageKey : null;
    });
    if (deletedKey) await this.storage.remove(deletedKey);
  }
}

function attachmentView(a: Attachment): AttachmentView {
  return {
    id: a.id,
    filename: a.filename,
    fileType: a.fileType,
    contentType: a.contentType,
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    description: a.description,
    uploadedAt: new Date(a.uploadedAt).toISOString(),
  };
}

/** The name as the user sees it, without any path a client put in front, or control characters. */
export function safeFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 255);
  return clean || 'vedlegg';
}
