import { defineWorkflow } from '../workflow/workflow';

export const APPEAL_STATES = ['RECEIVED', 'REVERSED', 'FORWARDED', 'CLOSED'] as const;
export type AppealState = (typeof APPEAL_STATES)[number];

/**
 * An appeal (klage, forvaltningsloven §§ 28–34). The directorate first considers it itself (§ 33): it reverses its
 * decision, in full or in part, by a new decision through the same four eyes (REVERSED when that decision is approved),
 * or upholds it and forwards the appeal to the appeal body with a recommendation; the appeal body's outcome closes it.
 */
export const AppealWorkflow = defineWorkflow({
  entityType: 'appeal',
  table: 'appeal',
  states: APPEAL_STATES,
  transitions: {
    // fired when the reversing decision is approved
    reverse: { from: ['RECEIVED'], to: 'REVERSED', roles: ['approver'] },
    forward: { from: ['RECEIVED'], to: 'FORWARDED', roles: ['officer'] },
    record_outcome: { from: ['FORWARDED'], to: 'CLOSED', roles: ['officer'] },
  },
});
