import { defineWorkflow } from '../workflow/workflow';

export const ASSIGNMENT_STATES = ['ASSIGNED', 'DECLARED', 'COMPLETED', 'RECUSED', 'WITHDRAWN'] as const;
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];

/** Assignments that still count: the assessor is (or will be) assessing. */
export const LIVE_ASSIGNMENT_STATES: readonly AssignmentState[] = ['ASSIGNED', 'DECLARED', 'COMPLETED'];

/**
 * An assessor's assignment to one application. ASSIGNED: sees title, call and members only. DECLARED: declared no
 * conflict of interest, may read and score. COMPLETED: scores locked. RECUSED: declared a conflict (inhabil), ended.
 * WITHDRAWN: the officer took the assignment back. The assessor role covers officers who assess too (same gate).
 */
export const AssignmentWorkflow = defineWorkflow({
  entityType: 'assessment_assignment',
  table: 'assessment_assignment',
  states: ASSIGNMENT_STATES,
  transitions: {
    declare_no_conflict: { from: ['ASSIGNED'], to: 'DECLARED', roles: ['assessor', 'officer'] },
    declare_conflict: { from: ['ASSIGNED'], to: 'RECUSED', roles: ['assessor', 'officer'] },
    complete: { from: ['DECLARED'], to: 'COMPLETED', roles: ['assessor', 'officer'] },
    reopen: { from: ['COMPLETED'], to: 'DECLARED', roles: ['officer'] },
    withdraw: { from: ['ASSIGNED', 'DECLARED'], to: 'WITHDRAWN', roles: ['officer'] },
  },
});
