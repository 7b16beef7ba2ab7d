import { defineWorkflow } from '../../workflow/workflow';

export const REPORT_STATES = ['DRAFT', 'SUBMITTED', 'CHANGES_REQUESTED', 'APPROVED', 'CANCELLED'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/** The consortium may still change the report's content in these states. */
export const EDITABLE_REPORT_STATES: readonly ReportState[] = ['DRAFT', 'CHANGES_REQUESTED'];

/**
 * A follow-up report from the day the grant becomes active to its approval. The lead municipality's applicants draft
 * and submit it (each submission a frozen version); an officer approves it or requests changes, and the applicant
 * submits a new version. A report the schedule no longer owes (the project end moved before its due date) is
 * cancelled while nothing has been submitted. Overdue is no state: it is derived from the due date and DRAFT.
 */
export const ReportWorkflow = defineWorkflow({
  entityType: 'report',
  table: 'report',
  states: REPORT_STATES,
  transitions: {
    submit: { from: ['DRAFT'], to: 'SUBMITTED', roles: ['applicant'] },
    request_changes: { from: ['SUBMITTED'], to: 'CHANGES_REQUESTED', roles: ['officer'] },
    resubmit: { from: ['CHANGES_REQUESTED'], to: 'SUBMITTED', roles: ['applicant'] },
    approve: { from: ['SUBMITTED'], to: 'APPROVED', roles: ['officer'] },
    cancel: { from: ['DRAFT'], to: 'CANCELLED', roles: ['officer', 'system'] },
  },
});
