import { defineWorkflow } from '../../workflow/workflow';

export const RECLAIM_STATES = ['PROPOSED', 'DEMANDED', 'WRITE_OFF_PROPOSED', 'REPAID', 'WRITTEN_OFF', 'DISMISSED'] as const;
export type ReclaimState = (typeof RECLAIM_STATES)[number];

export const SETTLED_RECLAIM_STATES: readonly ReclaimState[] = ['REPAID', 'WRITTEN_OFF', 'DISMISSED'];

/**
 * A reclaim (tilbakebetaling). One the final settlement finds waits, PROPOSED, for an officer to confirm it (or dismiss
 * it with a reason); one an officer raises is demanded at once. A demand is a letter with a due date. Repayments are
 * recorded as they come in; paid back in full it is REPAID. What is left can be written off: proposed by an officer,
 * confirmed by an approver who did not propose it.
 */
export const ReclaimWorkflow = defineWorkflow({
  entityType: 'reclaim',
  table: 'reclaim',
  states: RECLAIM_STATES,
  transitions: {
    confirm: { from: ['PROPOSED'], to: 'DEMANDED', roles: ['officer'] },
    dismiss: { from: ['PROPOSED'], to: 'DISMISSED', roles: ['officer'] },
    repaid: { from: ['DEMANDED'], to: 'REPAID', roles: ['officer'] },
    propose_write_off: { from: ['DEMANDED'], to: 'WRITE_OFF_PROPOSED', roles: ['officer'] },
    confirm_write_off: { from: ['WRITE_OFF_PROPOSED'], to: 'WRITTEN_OFF', roles: ['approver'], notBy: ['propose_write_off'] },
    reject_write_off: { from: ['WRITE_OFF_PROPOSED'], to: 'DEMANDED', roles: ['approver'] },
  },
});

/** Why an officer raises a reclaim (SETTLEMENT: the final settlement found an overpayment). */
export const RECLAIM_KINDS = ['MISUSE', 'CONDITIONS_BROKEN', 'OTHER'] as const;
