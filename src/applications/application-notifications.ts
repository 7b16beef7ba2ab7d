import { Injectable, OnModuleInit } from '@nestjs/common';
import { formatOsloNorwegian } from '../calls/oslo-time';
import { NotificationService } from '../notifications/notification.service';
import { Application, ApplicationVersion } from './entities/application.entity';

export const APPLICATION_EVENTS = {
  submitted: 'application.submitted',
  formalCheck: 'application.formal_check',
  returned: 'application.returned',
} as const;

/**
 * The mails of an application's life, to the consortium's contact persons in the lead municipality's language.
 * Each re-reads the frozen version at send time, so the mail says what was actually submitted.
 */
@Injectable()
export class ApplicationNotifications implements OnModuleInit {
  constructor(private readonly notifications: NotificationService) {}

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
        if (!app) return null;
        return { caseNumber: app.caseNumber, title: app.title, reason: data.reason, dueAt: formatOsloNorwegian(new Date(String(data.dueAt))) };
      },
    });
  }
}
