import { Injectable, OnModuleInit } from '@nestjs/common';
import { Temporal } from 'temporal-polyfill';
import { recipientsOf } from '../../applications/application-notifications';
import { Clock } from '../../common/clock';
import { osloDate } from '../../common/legal-deadline';
import { formatBpNorwegian } from '../../common/money';
import { NotificationService } from '../../notifications/notification.service';
import { ReminderRegistry } from '../../notifications/reminders';
import { noonInOslo } from '../reports/report-notifications';
import { reclaimInterest } from './interest';
import { reclaimsOf } from './ledger';
import { overdueReclaims, reclaimForReminder } from './reclaim-reminders.queries';

export const RECLAIM_REMINDER_EVENT = 'reclaim.reminder';
/** A demanded reclaim not repaid by its due date is reminded of the day after, and again every this many days. */
export const RECLAIM_REMINDER_EVERY_DAYS = 30;

/**
 * Demand reminders (purring) for reclaims not repaid by their due date, to the contact persons of the grant's
 * application in the lead municipality's language: what is owed of the principal and the late-payment interest
 * accrued to the day the mail is sent, at the rate in force (computed on demand, never stored). Each reminder goes
 * out once (the outbox's key: reclaim, due date, which reminder, recipient), however many workers scan.
 */
@Injectable()
export class ReclaimReminders implements OnModuleInit {
  constructor(
    private readonly notifications: NotificationService,
    private readonly reminders: ReminderRegistry,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.notifications.define({
      event: RECLAIM_REMINDER_EVENT,
      template: 'reclaim-reminder',
      // a claim with interest running: the party must be told, whatever its preferences
      mandatory: true,
      variables: ['caseNumber', 'projectTitle', 'dueOn', 'asOf', 'principalOre', 'interestOre', 'totalOre', 'ratePercent'],
      resolve: async ({ manager, entityId, data }) => {
        const r = await reclaimForReminder(manager, entityId);
        if (!r || r.status !== 'DEMANDED' || !String(data.occurrence).startsWith(`${r.dueOn}:`)) return null;
        const [row] = await reclaimsOf(manager, { id: entityId });
        const interest = reclaimInterest(row, osloDate(this.clock.now()).toString());
        if (!interest) return null;
        return {
          caseNumber: r.caseNumber,
          projectTitle: r.projectTitle,
          dueOn: r.dueOn,
          asOf: interest.asOf,
          principalOre: row.outstandingOre,
          interestOre: interest.outstandingOre,
          totalOre: interest.totalOutstandingOre,
          ratePercent: `${formatBpNorwegian(interest.rateBp)} %`,
        };
      },
    });

    this.reminders.register('reclaim-overdue', {
      scan: async ({ manager, now }) => {
        const today = osloDate(now);
        return (await overdueReclaims(manager, today.toString())).map((r) => {
          const late = Temporal.PlainDate.from(r.dueOn).until(today).days;
          return {
            event: RECLAIM_REMINDER_EVENT,
            entityType: 'reclaim',
            entityId: r.id,
            // per due date, the day after it and then every 30 days
            occurrence: `${r.dueOn}:${Math.floor((late - 1) / RECLAIM_REMINDER_EVERY_DAYS)}`,
            recipients: recipientsOf(r.content),
            title: `tilbakebetaling ${r.number} i sak ${r.caseNumber}`,
            deadline: noonInOslo(r.dueOn),
          };
        });
      },
      stillDue: async ({ manager, entityId, occurrence }) => {
        const r = await reclaimForReminder(manager, entityId);
        return !!r && r.status === 'DEMANDED' && occurrence.startsWith(`${r.dueOn}:`);
      },
    });
  }
}
