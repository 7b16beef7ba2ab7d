import { Injectable, OnModuleInit } from '@nestjs/common';
import { NotificationService } from '../notifications/notification.service';
import { ReminderRegistry } from '../notifications/reminders';
import { DEMO_ASSESSMENT } from '../calls/call-rules';
import { assignmentsDueForReminder, openAssignment, recusedAssignment } from './assessment.queries';

export const ASSESSMENT_EVENTS = {
  conflictDeclared: 'assessment.conflict_declared',
  reminder: 'assessment.reminder',
} as const;

const DAY_MS = 86400_000;

/**
 * The assessment's mails: the officer hears of a declared conflict (to assign someone else), and an assessor with an
 * unfinished assessment is reminded the call rules' reminderDaysBefore days before its deadline (a reminder scan of
 * the notification pipeline's repeatable job).
 */
@Injectable()
export class AssessmentNotifications implements OnModuleInit {
  constructor(
    private readonly notifications: NotificationService,
    private readonly reminders: ReminderRegistry,
  ) {}

  onModuleInit() {
    this.notifications.define({
      event: ASSESSMENT_EVENTS.conflictDeclared,
      template: 'assessment-conflict',
      mandatory: false,
      variables: ['caseNumber', 'title', 'assessorName', 'description'],
      resolve: async ({ entityId, manager }) => {
        const row = await recusedAssignment(manager, entityId);
        if (!row) return null;
        return { caseNumber: row.case_number, title: row.title, assessorName: row.display_name, description: row.conflict_description };
      },
    });
    this.notifications.define({
      event: ASSESSMENT_EVENTS.reminder,
      template: 'assessment-reminder',
      mandatory: false,
      variables: ['caseNumber', 'title', 'dueAt', 'daysLeft'],
      resolve: async ({ entityId, data, manager }) => {
        const row = await openAssignment(manager, entityId);
        // completed, recused or withdrawn meanwhile, or the deadline moved: this reminder no longer holds
        if (!row || new Date(row.due_at).toISOString() !== data.deadline) return null;
        const due = new Date(row.due_at);
        return {
          caseNumber: row.case_number,
          title: row.title,
          dueAt: due,
          daysLeft: Math.max(0, Math.ceil((due.getTime() - Date.now()) / DAY_MS)),
        };
      },
    });

    this.reminders.register('assessment-due', {
      scan: async ({ manager, now }) => {
        const rows = await assignmentsDueForReminder(manager, now, DEMO_ASSESSMENT.reminderDaysBefore);
        return rows.map((r) => {
          const due = new Date(r.due_at);
          return {
            event: ASSESSMENT_EVENTS.reminder,
            entityType: 'assessment_assignment',
            entityId: r.id,
            occurrence: `${due.toISOString()}:${r.days}d`,
            recipients: [{ email: r.email, name: r.display_name, userId: r.user_id }],
            title: `vurdering av søknad ${r.case_number}`,
            deadline: due,
          };
        });
      },
    });
  }
}
