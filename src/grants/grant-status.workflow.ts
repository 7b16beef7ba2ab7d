import { WorkflowErrors } from '../workflow/workflow.errors';
import { defineWorkflow, TransitionGuard } from '../workflow/workflow';
import { GRANT_STATUS_CHANGE_STATES, GrantStatusChangeKind } from './grant-status.kinds';
import { proposerOf } from './grant-status.queries';

/** The grant's event each kind fires when confirmed. */
export const GRANT_EVENT_OF = {
  SUSPEND: 'suspend',
  LIFT_SUSPENSION: 'lift_suspension',
  TERMINATE: 'terminate',
} as const satisfies Record<GrantStatusChangeKind, string>;

/**
 * Four eyes: the proposal is made by an insert, not by a transition, so the engine's `notBy` has no firing to look at;
 * the proposer is on the row instead (and a CHECK in the database holds the same).
 */
const notTheProposer: TransitionGuard = {
  name: 'decided by someone other than the officer who proposed it',
  async check({ manager, id, actor }) {
    if (actor === 'system') return undefined;
    return (await proposerOf(manager, id)) === actor.userId
      ? {
          status: 403,
          code: WorkflowErrors.SEPARATION_OF_DUTIES,
          detail: 'You proposed this change of the grant: another person must confirm or reject it.',
        }
      : undefined;
  },
};

/**
 * An officer's proposal to suspend a grant, lift its suspension or terminate it, with reasons; an approver who did not
 * propose it confirms it (the grant's own transition fires in the same transaction) or rejects it.
 */
export const GrantStatusChangeWorkflow = defineWorkflow({
  entityType: 'grant_status_change',
  table: 'grant_status_change',
  states: GRANT_STATUS_CHANGE_STATES,
  transitions: {
    confirm: { from: ['PROPOSED'], to: 'CONFIRMED', roles: ['approver'], guards: [notTheProposer] },
    reject: { from: ['PROPOSED'], to: 'REJECTED', roles: ['approver'], guards: [notTheProposer] },
  },
});
