import { Injectable, OnModuleInit } from '@nestjs/common';
import { formatOsloNorwegian } from '../common/oslo-time';
import { NotificationService } from '../notifications/notification.service';
import { ReminderRegistry } from '../notifications/reminders';
import { ApplicationContent } from './application-content';
import { Application, ApplicationVersion } from './entities/application.entity';
import { Recipient } from '../notifications/notification.types';
import { languageOf } from '../organisations/entities/municipality.entity';
import { completionsDue } from './applications.queries';

export const APPLICATION_EVENTS = {
  submitted: 'application.submitted',
  formalCheck: 'application.formal_check',
  returned: 'application.returned',
  completionExtended: 'application.completion_extended',
} as const;

/** The completion reminder goes out this long before the deadline (and once per deadline: an extension gets its own). */
export const COMPLETION_REMINDER_DAYS = 3;
const DAY_MS = 86400_000;

/**
 * The mails of an application's life, to the consortium's contact persons in the lead municipality's language.
 * Each re-reads the frozen version at send time, so the mail says what was actually submitted.
 */
@Injectable()
export class ApplicationNotifications implements OnModuleInit {
  constructor(
    private readonly notifications: NotificationService,
    private readonly reminders: ReminderRegistry,
  ) {}

  onModuleInit() {
    this.notifications.define({
      event: APPLICATION_EVENTS.submitted,
      template: 'application-receipt',
      // the receipt (kvittering) is the applicant's proof of a timely submission
      mandatory: true,
      variables: ['caseNumber', 'title', 'callTitle', 'consortiumName', 'receivedAt', 'requestedAmountOre', 'resubmission'],
      resolve: async ({ entityId, data, manager, language }) => {
        const v = await manager.getRepository(ApplicationVersion).findOneBy({ applicationId: entityId, version: Number(data.version) });
        const app = await manager.getRepository(Application).findOneBy({ id: entityId });
        if (!v || !app) return null;
        return {
          caseNumber: app.caseNumber,
          title: v.content.title,
          callTitle: v.content.call.title[language],
          consortiumName: v.content.consortium.name,
          receivedAt: formatOsloNorwegian(v.submittedAt),
          requestedAmountOre: v.content.requestedAmountOre ?? 0,
          resubmission: v.version > 1,
        };
      },
    });
    this.notifications.define({
      event: APPLICATION_EVENTS.formalCheck,
      template: 'application-formal-check',
      // a rejection (avvisning) is an individual decision the applicant must receive
      mandatory: true,
      variables: ['caseNumber', 'title', 'eligible', 'reason'],
      resolve: async ({ entityId, data, manager }) => {
        const app = await manager.getRepository(Application).findOneBy({ id: entityId });
        if (!app) return null;
        return { caseNumber: app.caseNumber, title: app.title, eligible: data.outcome === 'eligible', reason: data.reason ?? null };
      },
    });
    this.notifications.define({
      event: APPLICATION_EVENTS.returned,
      template: 'application-returned',
      mandatory: true,
      variables: ['caseNumber', 'title', 'reason', 'dueAt'],
      resolve: async ({ entityId, data, manager }) => {
        const app = await manager.getRepository(Application).findOneBy({ id: entityId });
        // resubmitted or withdrawn before this went out: nothing to complete any more. Extended meanwhile: the
        // deadline that holds now, so the last mail in the inbox never shows a shorter one
        if (!app || app.status !== 'RETURNED') return null;
        return { caseNumber: app.caseNumber, title: app.title, reason: data.reason, dueAt: formatOsloNorwegian(app.completionDueAt!) };
      },
    });
    this.notifications.define({
      event: APPLICATION_EVENTS.completionExtended,
      template: 'application-completion-extended',
      // a deadline given in an individual case moved: the applicant must know
      mandatory: true,
      variables: ['caseNumber', 'title', 'reason', 'dueAt'],
      resolve: async ({ entityId, data, manager }) => {
        const app = await manager.getRepository(Application).findOneBy({ id: entityId });
        // moved again (or resubmitted, withdrawn) before this went out: the later mail says what holds
        if (!app || app.status !== 'RETURNED' || app.completionDueAt?.toISOString() !== data.dueAt) return null;
        return { caseNumber: app.caseNumber, title: app.title, reason: data.reason, dueAt: formatOsloNorwegian(app.completionDueAt!) };
      },
    });

    // a returned application not resubmitted by its deadline may be rejected: remind its contacts a few days before
    this.reminders.register('completion-due', {
      scan: async ({ manager, now }) => {
        // a deadline given with less notice than the reminder's lead time was announced by its own mail just now
        const rows = await completionsDue(
          manager,
          now,
          new Date(now.getTime() + COMPLETION_REMINDER_DAYS * DAY_MS),
          COMPLETION_REMINDER_DAYS,
        );
        return rows.map((r) => {
          const due = new Date(r.completion_due_at);
          return {
            entityType: 'application',
            entityId: r.id,
            occurrence: `${due.toISOString()}:${COMPLETION_REMINDER_DAYS}d`,
            recipients: recipientsOf(r.content),
            // the same words in bokmål and nynorsk
            title: `komplettering av søknad ${r.case_number}`,
            deadline: due,
          };
        });
      },
      stillDue: async ({ manager, entityId, occurrence }) => {
        const app = await manager.getRepository(Application).findOneBy({ id: entityId });
        return !!app && app.status === 'RETURNED' && occurrence.startsWith(`${app.completionDueAt!.toISOString()}:`);
      },
    });
  }
}

/** The consortium's contact persons, written to in the lead municipality's language (språklova; Nøytral → bokmål). */
export function recipientsOf(content: ApplicationContent): Recipient[] {
  const lead = content.consortium.members.find((x) => x.lead);
  const language = languageOf(lead?.writtenLanguage);
  const byEmail = new Map(content.contactPersons.map((c) => [c.email, c]));
  return [...byEmail.values()].map((c) => ({ email: c.email, name: c.name, language }));
}
