import { Injectable } from '@nestjs/common';
import { AccessPolicy, EVERY_ROW } from '../identity/access/access-policy';
import { ledConsortium, ownConsortium } from '../identity/access/predicates';
import { GrantChangeErrors } from './changes/grant-changes.errors';
import { GrantErrors } from './grants.errors';

/**
 * - `read`: the grant, its terms and state: the consortium's applicants and staff;
 * - `accept`: accept the conditions for the lead municipality (the lead acts for the consortium; other members 403);
 * - `manage`: the officer's steps (an acceptance signed outside the system);
 * - `change`: request a change of the grant's terms (endringssøknad), for the lead municipality's applicants.
 */
export type GrantAccess = 'read' | 'accept' | 'manage' | 'change';

@Injectable()
export class GrantPolicy extends AccessPolicy<GrantAccess> {
  protected readonly table = 'grant_award';
  protected readonly noun = 'Grant';
  protected readonly visibility = 'read';
  protected override readonly refusals = {
    accept: {
      code: GrantErrors.ONLY_LEAD_ACCEPTS,
      message: "Only the lead municipality's applicants accept the grant's conditions for the consortium.",
      when: ownConsortium.grant('consortium_id'),
    },
    change: {
      code: GrantChangeErrors.ONLY_LEAD_REQUESTS,
      message: "Only the lead municipality's applicants request changes of the grant for the consortium.",
      when: ownConsortium.grant('consortium_id'),
    },
  };

  constructor() {
    super();
    this.grant('read', 'applicant', ownConsortium.grant('consortium_id'))
      .grant('read', ['officer', 'approver', 'evaluator', 'auditor'], EVERY_ROW)
      .grant(['accept', 'change'], 'applicant', ledConsortium.grant('consortium_id'))
      .grant('manage', 'officer', EVERY_ROW);
  }
}
