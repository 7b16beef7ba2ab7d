import { defineWorkflow } from '../workflow/workflow';

export const CALL_STATES = ['DRAFT', 'PUBLISHED', 'CLOSED', 'DECIDED', 'ARCHIVED'] as const;
export type CallState = (typeof CALL_STATES)[number];

/** A call's life: configured, open for applications, closed for assessment, decided, archived. */
export const CallWorkflow = defineWorkflow({
  entityType: 'call',
  table: 'call',
  states: CALL_STATES,
  transitions: {
    // 'system' publishes the demo calls at start (and could publish on a schedule)
    publish: { from: ['DRAFT'], to: 'PUBLISHED', roles: ['officer', 'system'] },
    close: { from: ['PUBLISHED'], to: 'CLOSED', roles: ['officer', 'system'] },
    // a deadline moved after it passed (the portal was down the last day): a new version with the new closing time
    reopen: { from: ['CLOSED'], to: 'PUBLISHED', roles: ['officer'] },
    decide: { from: ['CLOSED'], to: 'DECIDED', roles: ['officer', 'approver', 'system'] },
    archive: { from: ['CLOSED', 'DECIDED'], to: 'ARCHIVED', roles: ['officer'] },
  },
});
