import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { recipientsOf } from '../../applications/application-notifications';
import { Clock } from '../../common/clock';
import { osloDate } from '../../common/legal-deadline';
import { formatOsloNorwegian } from '../../common/oslo-time';
import { NotificationService } from '../../notifications/notification.service';
import { ReminderRegistry } from '../../notifications/reminders';
import { Temporal } from 'temporal-polyfill';
import { findReport, reportReviews, reportsDueForReminder, reportVersions } from './reports.queries';

export const REPORT_EVENTS = {
  received: 'report.received',
  reviewed: 'report.reviewed',
  reminder: 'report.reminder',
} as const;

/** Days before the due date the consortium is reminded of a report not yet submitted; each reminder goes out once. */
export const REPORT_REMINDER_DAYS = [14, 3] as const;
/** A missed due date is told the day after; a scan that was down catches up within this many days, not later. */
const OVERDUE_NOTICE_DAYS = 7;

/** Noon in Oslo on a day: how a due date (a calendar day) reads as an instant in mail ({{date}}). */
export function noonInOslo(day: string): Date {
  return new Date(Temporal.PlainDate.from(day).toZonedDateTime({ timeZone: 'Europe/Oslo', plainTime: '12:00' }).epochMilliseconds);
}

/**
 * The mails of a report's life, to the contact persons of the application the grant was decided on, in the lead
 * municipality's language: the receipt of each version, the review (approved, or what to change), and the reminders
 * 14 and 3 days before the due date and the day after it was missed. The reminders are found by a scan the
 * notification scheduler runs; the outbox's idempotency key (report, due date, which reminder, recipient) sends each
 * once, however many workers scan.
 */
@Injectable()
export class ReportNotifications implements OnModuleInit {
  constructor(
    private readonly notifications: NotificationService,
    private readonly reminders: ReminderRegistry,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.notifications.define({
      event: REPORT_EVENTS.received,
      template: 'report-receipt',
      // the receipt is the consortium's proof of a report delivered in time
      mandatory: true,
      variables: ['caseNumber', 'title', 'version', 'receivedAt', 'resubmission'],
      resolve: async ({ entityId, data, manager }) => {
        const r = await findReport(manager, entityId);
        const v = (await reportVersions(manager, entityId)).find((x) => x.version === Number(data.version));
        if (!r || !v) return null;
        return {
          caseNumber: r.caseNumber,
          title: r.title,
          version: v.version,
          receivedAt: formatOsloNorwegian(v.submittedAt),
          resubmission: v.version > 1,
        };
      },
    });
    this.notifications.define({
      event: REPORT_EVENTS.reviewed,
      template: 'report-reviewed',
      // an approval releases payment and a request for changes sets work to do: both must reach the consortium
      mandatory: true,
      variables: ['caseNumber', 'title', 'approved', 'comment', 'sectionComments'],
      resolve: async ({ entityId, data, manager }) => {
        const r = await findReport(manager, entityId);
        const review = (await reportReviews(manager, entityId)).find((x) => x.version === Number(data.version));
        if (!r || !review) return null;
        return {
          caseNumber: r.caseNumber,
          title: r.title,
          approved: review.outcome === 'APPROVED',
          comment: review.comment,
          sectionComments: review.sectionComments,
        };
      },
    });
    this.notifications.define({
      event: REPORT_EVENTS.reminder,
      template: 'report-reminder',
      mandatory: false,
      variables: ['caseNumber', 'title', 'deadline', 'daysLeft', 'overdue'],
      resolve: async ({ entityId, data, manager }) => {
        if (!(await this.stillDue(manager, entityId, String(data.occurrence)))) return null;
        const r = (await findReport(manager, entityId))!;
        const today = osloDate(this.clock.now());
        const due = Temporal.PlainDate.from(r.dueOn);
        return {
          caseNumber: r.caseNumber,
          title: r.title,
          deadline: noonInOslo(r.dueOn),
          daysLeft: Math.max(0, today.until(due).days),
          overdue: Temporal.PlainDate.compare(today, due) > 0,
        };
      },
    });

    this.reminders.register('report-due', {
      scan: async ({ manager, now }) => {
        const today = osloDate(now).toString();
        const rows = await reportsDueForReminder(manager, today, REPORT_REMINDER_DAYS[0], REPORT_REMINDER_DAYS[1], OVERDUE_NOTICE_DAYS);
        return rows.map((r) => ({
          event: REPORT_EVENTS.reminder,
          entityType: 'report',
          entityId: r.id,
          // per due date: an extension gets reminders of its own
          occurrence: `${r.due_on}:${r.which}`,
          recipients: recipientsOf(r.content),
          title: `${r.title} (${r.case_number})`,
          deadline: noonInOslo(r.due_on),
        }));
      },
      stillDue: ({ manager, entityId, occurrence }) => this.stillDue(manager, entityId, occurrence),
    });
  }

  /** Not submitted meanwhile, and the due date the reminder was for still holds. */
  private async stillDue(manager: EntityManager, entityId: string, occurrence: string): Promise<boolean> {
    const r = await findReport(manager, entityId);
    return !!r && r.status === 'DRAFT' && occurrence.startsWith(`${r.dueOn}:`);
  }
}
