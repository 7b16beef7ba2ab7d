import { Clock } from '../common/clock';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DEADLINE_REMINDER, DIGEST } from './notification.scheduler';
import { NotificationService } from './notification.service';
import { findDigestItems } from './queries';
import { ReminderRegistry } from './reminders';

export const TEST_MAIL = 'notifications.test';
const DAY_MS = 86400_000;

/** The pipeline's own events: an operator's test mail, the generic deadline reminder, and the daily digest. */
@Injectable()
export class BuiltInEvents implements OnModuleInit {
  constructor(
    private readonly notifications: NotificationService,
    private readonly reminders: ReminderRegistry,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.notifications.define({
      event: TEST_MAIL,
      template: 'notification-test',
      // an operator checking that mail gets through must not be stopped by the recipient's preferences
      mandatory: true,
      variables: ['requestedBy'],
      resolve: async ({ data }) => ({ requestedBy: data.requestedBy }),
    });

    this.notifications.define({
      event: DEADLINE_REMINDER,
      template: 'deadline-reminder',
      mandatory: false,
      variables: ['title', 'deadline', 'daysLeft'],
      resolve: async ({ entityId, data, manager }) => {
        const source = this.reminders.get(String(data.reminder));
        if (source?.stillDue && !(await source.stillDue({ manager, entityId, occurrence: String(data.occurrence), data }))) return null;
        const deadline = new Date(String(data.deadline));
        return {
          title: data.title,
          deadline,
          daysLeft: Math.max(0, Math.ceil((deadline.getTime() - this.clock.now().getTime()) / DAY_MS)),
        };
      },
    });

    this.notifications.define({
      event: DIGEST,
      template: 'notification-digest',
      // the digest is what a digest recipient chose instead of single mails: it must not be digested again
      mandatory: true,
      variables: ['date', 'items'],
      resolve: async ({ data, manager }) => {
        const items = await findDigestItems(manager, data.itemIds as string[]);
        return items.length ? { date: `${data.date}T12:00:00Z`, items } : null;
      },
    });
  }
}
