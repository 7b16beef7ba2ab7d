import { defineWorkflow } from '../workflow/workflow';

export const DECISION_STATES = ['DRAFT', 'PROPOSED', 'RETURNED', 'APPROVED', 'SENT', 'SUPERSEDED', 'DISCARDED'] as const;
export type DecisionState = (typeof DECISION_STATES)[number];

/** A decision can still be edited by the officer in these states. */
export const EDITABLE_DECISION_STATES: readonly DecisionState[] = ['DRAFT', 'RETURNED'];

/**
 * A decision (vedtak) from the officer's draft to the letter the applicant receives. The officer proposes it; an
 * approver who did not propose it approves it or returns it with a comment (four eyes: budsjettdisponeringsmyndighet).
 * Approval commits the money and sends the letter in one transaction, so APPROVED is passed through on the way to
 * SENT. A reversal on appeal supersedes the decision it replaces when it is itself approved.
 */
export const DecisionWorkflow = defineWorkflow({
  entityType: 'decision',
  table: 'decision',
  states: DECISION_STATES,
  transitions: {
    propose: { from: ['DRAFT', 'RETURNED'], to: 'PROPOSED', roles: ['officer'] },
    return: { from: ['PROPOSED'], to: 'RETURNED', roles: ['approver'], notBy: ['propose'] },
    approve: { from: ['PROPOSED'], to: 'APPROVED', roles: ['approver'], notBy: ['propose'] },
    // the letter is registered and on its way: fired in the approving transaction
    send: { from: ['APPROVED'], to: 'SENT', roles: ['approver'] },
    // a reversal on appeal was approved and sent: this decision no longer holds
    supersede: { from: ['SENT'], to: 'SUPERSEDED', roles: ['approver'] },
    discard: { from: ['DRAFT', 'RETURNED', 'PROPOSED'], to: 'DISCARDED', roles: ['officer'] },
  },
});
