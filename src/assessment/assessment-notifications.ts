import { Injectable, OnModuleInit } from '@nestjs/common';
import { NotificationService } from '../notifications/notification.service';
import { ReminderRegistry } from '../notifications/reminders';
import { DEMO_ASSESSMENT } from '../calls/call-rules';

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
        const [row] = await manager.query(
          `SELECT ap.case_number, ap.title, u.display_name, a.conflict_description
             FROM assessment_assignment a JOIN application ap ON ap.id = a.application_id JOIN app_user u ON u.id = a.assessor_user_id
            WHERE a.id = $1 AND a.status = 'RECUSED'`,
          [entityId],
        );
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
        const [row] = await manager.query(
          `SELECT ap.case_number, ap.title, a.due_at FROM assessment_assignment a JOIN application ap ON ap.id = a.application_id
            WHERE a.id = $1 AND a.status IN ('ASSIGNED','DECLARED')`,
          [entityId],
        );
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
        const rows: Array<{
          id: string;
          case_number: string;
          due_at: Date;
          email: string;
          display_name: string;
          user_id: string;
          days: number;
        }> = await manager.query(
          `SELECT a.id, ap.case_number, a.due_at, u.email, u.display_name, u.id AS user_id, r.days
               FROM assessment_assignment a
               JOIN application ap ON ap.id = a.application_id
               JOIN app_user u ON u.id = a.assessor_user_id AND u.active
               JOIN call_version cv ON cv.call_id = a.call_id AND cv.version = a.call_version
               CROSS JOIN LATERAL (SELECT COALESCE((cv.content->'rules'->'assessment'->>'reminderDaysBefore')::int, $2) AS days) r
              WHERE a.status IN ('ASSIGNED','DECLARED') AND a.due_at > $1
                AND a.due_at <= $1::timestamptz + make_interval(days => r.days)
                -- an assignment made with less notice than the lead time needs no reminder yet
                AND a.assigned_at <= a.due_at - make_interval(days => r.days)`,
          [now.toISOString(), DEMO_ASSESSMENT.reminderDaysBefore],
        );
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
