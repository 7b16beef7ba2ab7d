import { defineWorkflow } from '../workflow/workflow';

export const GRANT_STATES = ['AWAITING_ACCEPTANCE', 'ACTIVE', 'SUSPENDED', 'TERMINATED', 'LAPSED', 'CANCELLED', 'COMPLETED'] as const;
export type GrantState = (typeof GRANT_STATES)[number];

/** Grants whose amount counts against the call's budget (call.committed_ore). */
export const LIVE_GRANT_STATES: readonly GrantState[] = ['AWAITING_ACCEPTANCE', 'ACTIVE', 'SUSPENDED', 'TERMINATED', 'COMPLETED'];

/**
 * A grant (tilsagn) from the approved decision to its end. The lead municipality accepts the conditions (or an officer
 * records an acceptance signed outside the system) and it becomes ACTIVE; unaccepted at the deadline, a job lets it
 * lapse and its amount returns to the call's budget. A reversal on appeal to a rejection cancels it. Payments and
 * reports (the issues after) complete it. An approver, on an officer's proposal, suspends it (no attestation while
 * SUSPENDED), lifts the suspension, or terminates it (TERMINATED: unpaid tranches cancelled, the final financial
 * statement asked for, the unused money reclaimed from it).
 */
export const GrantWorkflow = defineWorkflow({
  entityType: 'grant',
  table: 'grant_award',
  states: GRANT_STATES,
  transitions: {
    accept: { from: ['AWAITING_ACCEPTANCE'], to: 'ACTIVE', roles: ['applicant', 'officer'] },
    lapse: { from: ['AWAITING_ACCEPTANCE'], to: 'LAPSED', roles: ['system'] },
    cancel: { from: ['AWAITING_ACCEPTANCE', 'ACTIVE'], to: 'CANCELLED', roles: ['approver'] },
    // the final report approved, every tranche paid or cancelled, every reclaim settled (src/grants/payments)
    complete: { from: ['ACTIVE'], to: 'COMPLETED', roles: ['system'] },
    // an officer's proposal confirmed by an approver who did not make it (grant-status.workflow.ts holds the four eyes)
    suspend: { from: ['ACTIVE'], to: 'SUSPENDED', roles: ['approver'] },
    lift_suspension: { from: ['SUSPENDED'], to: 'ACTIVE', roles: ['approver'] },
    terminate: { from: ['ACTIVE', 'SUSPENDED'], to: 'TERMINATED', roles: ['approver'] },
  },
});
