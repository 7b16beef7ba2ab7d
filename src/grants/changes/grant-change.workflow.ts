import { defineWorkflow, TransitionGuard } from '../../workflow/workflow';
import { GrantChangeErrors as E } from './grant-changes.errors';
import { missingConsents, needsSecondApproval } from './grant-changes.queries';
import { GRANT_CHANGE_STATES, GrantChangeState } from './grant-change.states';

export { GRANT_CHANGE_STATES, GrantChangeState };

/** Above the call's threshold the officer alone does not approve: the officer recommends, an approver confirms. */
const withinOfficerAuthority: TransitionGuard<GrantChangeState> = {
  name: 'within the officer’s authority (below the call’s threshold)',
  async check({ manager, id }) {
    if (!(await needsSecondApproval(manager, id))) return undefined;
    return {
      status: 403,
      code: E.SECOND_APPROVAL_REQUIRED,
      detail:
        'This change is above the threshold in the call’s rules (or changes the members): the officer recommends it (outcome RECOMMEND) and an approver who is not that officer confirms it.',
    };
  },
};

/** Nobody joins a grant's consortium without saying so. */
const joiningMembersConsented: TransitionGuard<GrantChangeState> = {
  name: 'every joining municipality has consented',
  async check({ manager, id }) {
    const missing = await missingConsents(manager, id);
    if (!missing.length) return undefined;
    return {
      status: 422,
      code: E.MEMBER_CONSENT_MISSING,
      detail: `A municipality joins only with its consent: ${missing.map((x) => x.name).join(', ')} has not consented (an applicant of the municipality consents at POST /change-requests/${id}/consents).`,
    };
  },
};

/**
 * A change request (endringssøknad) from its submission to its decision. An officer approves or rejects it; one above
 * the call's threshold (money moved, any change of members) the officer recommends and an approver who did not
 * recommend it confirms or declines.
 */
export const GrantChangeWorkflow = defineWorkflow({
  entityType: 'grant_change',
  table: 'grant_change_request',
  states: GRANT_CHANGE_STATES,
  transitions: {
    approve: { from: ['SUBMITTED'], to: 'APPROVED', roles: ['officer'], guards: [withinOfficerAuthority, joiningMembersConsented] },
    recommend: { from: ['SUBMITTED'], to: 'RECOMMENDED', roles: ['officer'], guards: [joiningMembersConsented] },
    reject: { from: ['SUBMITTED'], to: 'REJECTED', roles: ['officer'] },
    confirm: { from: ['RECOMMENDED'], to: 'APPROVED', roles: ['approver'], notBy: ['recommend'], guards: [joiningMembersConsented] },
    decline: { from: ['RECOMMENDED'], to: 'REJECTED', roles: ['approver'], notBy: ['recommend'] },
  },
});
