import { Injectable, OnModuleInit } from '@nestjs/common';
import { recipientsOf } from '../applications/application-notifications';
import { DEMO_DECISIONS } from '../calls/call-rules';
import { osloDate } from '../common/legal-deadline';
import { NotificationService } from '../notifications/notification.service';
import { ReminderRegistry } from '../notifications/reminders';
import { Grant } from './entities/grant.entity';
import { grantCase, grantsDueForReminder } from './grants.queries';

export const GRANT_EVENTS = {
  acceptanceReminder: 'grant.acceptance_reminder',
  lapsed: 'grant.lapsed',
} as const;

export const ACCEPTANCE_REMINDER = 'grant-acceptance-due';

/**
 * The last day to accept (YYYY-MM-DD, Oslo): `accept_by` is the first instant after it, so a letter or mail that
 * printed accept_by itself would give the day after.
 */
export function lastDayToAccept(acceptBy: Date): string {
  return osloDate(new Date(new Date(acceptBy).getTime() - 1)).toString();
}

/** Which reminder for a grant: its deadline and the lead time, so a deadline moved on appeal gets one of its own. */
function occurrenceOf(acceptBy: Date, days: number): string {
  return `${new Date(acceptBy).toISOString()}:${days}d`;
}

/**
 * The mails of a grant awaiting acceptance, to the contact persons of the application's frozen version in the lead
 * municipality's language: a reminder some days before the deadline (the call's acceptanceReminderDays), and the
 * notice that it lapsed. Both re-read the grant when sent.
 */
@Injectable()
export class GrantNotifications implements OnModuleInit {
  constructor(
    private readonly notifications: NotificationService,
    private readonly reminders: ReminderRegistry,
  ) {}

  onModuleInit() {
    this.notifications.define({
      event: GRANT_EVENTS.acceptanceReminder,
      template: 'grant-acceptance-reminder',
      mandatory: false,
      variables: ['caseNumber', 'projectTitle', 'amountOre', 'lastDay'],
      resolve: async ({ entityId, data, manager }) => {
        const g = await manager.getRepository(Grant).findOneBy({ id: entityId });
        // accepted (or lapsed, or the deadline moved) before this went out: nothing to remind of
        if (!g || g.status !== 'AWAITING_ACCEPTANCE' || !String(data.occurrence).startsWith(`${new Date(g.acceptBy).toISOString()}:`)) {
          return null;
        }
        const c = await grantCase(manager, g.applicationId);
        return { caseNumber: g.caseNumber, projectTitle: c.projectTitle, amountOre: g.amountOre, lastDay: lastDayToAccept(g.acceptBy) };
      },
    });
    this.notifications.define({
      event: GRANT_EVENTS.lapsed,
      template: 'grant-lapsed',
      // the grant the party was given is gone: it must be told, whatever its preferences
      mandatory: true,
      variables: ['caseNumber', 'projectTitle', 'amountOre', 'lastDay'],
      resolve: async ({ entityId, manager }) => {
        const g = await manager.getRepository(Grant).findOneBy({ id: entityId });
        if (!g || g.status !== 'LAPSED') return null;
        const c = await grantCase(manager, g.applicationId);
        return { caseNumber: g.caseNumber, projectTitle: c.projectTitle, amountOre: g.amountOre, lastDay: lastDayToAccept(g.acceptBy) };
      },
    });

    this.reminders.register(ACCEPTANCE_REMINDER, {
      scan: async ({ manager, now }) =>
        (await grantsDueForReminder(manager, now, DEMO_DECISIONS.acceptanceReminderDays)).map((g) => ({
          event: GRANT_EVENTS.acceptanceReminder,
          entityType: 'grant',
          entityId: g.id,
          occurrence: occurrenceOf(g.acceptBy, g.reminderDays),
          recipients: recipientsOf(g.content),
          title: `aksept av tilsagn i sak ${g.caseNumber}`,
          deadline: g.acceptBy,
        })),
      stillDue: async ({ manager, entityId, occurrence }) => {
        const g = await manager.getRepository(Grant).findOneBy({ id: entityId });
        return !!g && g.status === 'AWAITING_ACCEPTANCE' && occurrence.startsWith(`${new Date(g.acceptBy).toISOString()}:`);
      },
    });
  }
}
