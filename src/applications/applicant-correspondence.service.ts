import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { NotificationService } from '../notifications/notification.service';
import { NotificationAttachment } from '../notifications/notification.types';
import { ApplicationContent } from './application-content';
import { recipientsOf } from './application-notifications';
import { CaseJournal, JournalDocument, JournalEntryView } from './case-journal.service';
import { Application, ApplicationVersion } from './entities/application.entity';

/** A letter to the applicant: the outgoing journal entry (U) and the mail event that carries it. */
export interface LetterToApplicant {
  documentType: string;
  /** The journal title, in Norwegian as the case file is kept. */
  title: string;
  /** The notification event; its template renders the mail in the lead municipality's written language. */
  event: string;
  data: Record<string, unknown>;
  /** What makes this letter one of a kind for the application (the same step twice sends once). */
  occurrence: string;
  /** The document registered with the journal entry (the letter as PDF/A), by its storage key and SHA-256. */
  document?: JournalDocument;
  /** Files the mail carries (the letter's PDF). */
  attachments?: NotificationAttachment[];
}

/**
 * What the administration tells the applicant of a submitted application: each letter is an outgoing (U) journal
 * entry in the case, addressed to the consortium, and a mail to the contact persons of the latest submitted version
 * in the lead municipality's language, both in the caller's transaction. For officers' steps here, and for the
 * modules that come after (decisions, grants) alike.
 */
@Injectable()
export class ApplicantCorrespondence {
  constructor(
    private readonly journal: CaseJournal,
    private readonly notifications: NotificationService,
  ) {}

  async write(m: EntityManager, app: Application, actor: Actor, at: Date, letter: LetterToApplicant): Promise<JournalEntryView> {
    if (!app.caseNumber) throw new Error(`application ${app.id} has no case to write in: it was never submitted`);
    const content = await this.frozenContent(m, app);
    const entry = await this.journal.record(m, app.caseNumber, {
      direction: 'U',
      documentType: letter.documentType,
      title: letter.title,
      counterpart: content.consortium.name,
      actor,
      at,
      document: letter.document,
    });
    await this.notifications.notify(m, {
      event: letter.event,
      entityType: 'application',
      entityId: app.id,
      recipients: recipientsOf(content),
      data: letter.data,
      occurrence: letter.occurrence,
      attachments: letter.attachments,
    });
    return entry;
  }

  private async frozenContent(m: EntityManager, app: Application): Promise<ApplicationContent> {
    return (await m.getRepository(ApplicationVersion).findOneByOrFail({ applicationId: app.id, version: app.currentVersion })).content;
  }
}
