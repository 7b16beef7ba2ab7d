import { defineWorkflow } from '../workflow/workflow';

export const APPLICATION_STATES = [
  'DRAFT',
  'SUBMITTED',
  'RETURNED',
  'ELIGIBLE',
  'IN_ASSESSMENT',
  'ASSESSED',
  'DECIDED',
  'REJECTED',
  'WITHDRAWN',
] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];

/** Editable only in DRAFT and RETURNED; every other state shows the frozen submitted version. */
export const EDITABLE_STATES: readonly ApplicationState[] = ['DRAFT', 'RETURNED'];

/** Submitted and not yet finished: the call it belongs to cannot be archived while any is in one of these. */
export const IN_PROGRESS_STATES: readonly ApplicationState[] = ['SUBMITTED', 'RETURNED', 'ELIGIBLE', 'IN_ASSESSMENT', 'ASSESSED'];

/**
 * An application from draft to the end of the formal check (formalia). ELIGIBLE means "goes on to assessment";
 * REJECTED is avvisning for not meeting the requirements. Assessment (src/assessment) moves it to IN_ASSESSMENT at the
 * first assignment and to ASSESSED when every live assignment is complete and any moderation done; a reopened
 * assessment or a new assignment takes it back. DECIDED: a decision (vedtak) was approved and sent (src/decisions).
 */
export const ApplicationWorkflow = defineWorkflow({
  entityType: 'application',
  table: 'application',
  states: APPLICATION_STATES,
  transitions: {
    submit: { from: ['DRAFT', 'RETURNED'], to: 'SUBMITTED', roles: ['applicant'] },
    return_for_completion: { from: ['SUBMITTED'], to: 'RETURNED', roles: ['officer'] },
    // the applicant asked for more time, or the officer's request turned out to need it: a later deadline, same state
    extend_completion: { from: ['RETURNED'], to: 'RETURNED', roles: ['officer'] },
    accept_formally: { from: ['SUBMITTED'], to: 'ELIGIBLE', roles: ['officer'] },
    // also a returned application whose completion deadline passed: it would otherwise stay open for good
    reject_formally: { from: ['SUBMITTED', 'RETURNED'], to: 'REJECTED', roles: ['officer'] },
    start_assessment: { from: ['ELIGIBLE'], to: 'IN_ASSESSMENT', roles: ['officer'] },
    // fired by the last assessor's completion or the officer's moderation
    finish_assessment: { from: ['IN_ASSESSMENT'], to: 'ASSESSED', roles: ['officer', 'assessor'] },
    resume_assessment: { from: ['ASSESSED'], to: 'IN_ASSESSMENT', roles: ['officer'] },
    // fired when the approved decision is sent (src/decisions); an appeal is handled on the decided application
    decide: { from: ['ASSESSED'], to: 'DECIDED', roles: ['approver'] },
    withdraw: { from: ['DRAFT', 'SUBMITTED', 'RETURNED', 'ELIGIBLE', 'IN_ASSESSMENT', 'ASSESSED'], to: 'WITHDRAWN', roles: ['applicant'] },
  },
});
