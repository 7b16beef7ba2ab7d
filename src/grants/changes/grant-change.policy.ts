import { Injectable } from '@nestjs/common';
import { AccessPolicy, EVERY_ROW, Grant } from '../../identity/access/access-policy';
import { ownConsortium } from '../../identity/access/predicates';
import { GrantChangeErrors as E } from './grant-changes.errors';

/** The applicants of a municipality a request asks to join: they read it, to consent. */
const joiningMunicipality: Grant = (row, actor, bind) =>
  `EXISTS (SELECT 1 FROM jsonb_array_elements(${row}.content->'members'->'joining') j
            JOIN organisation jo ON jo.municipality_number = j->>'municipalityNumber'
           WHERE jo.id = ANY(${bind(actor.organisationIds)}::uuid[]))`;

/**
 * - `read`: the request, its decision and letter: the grant's consortium's applicants (and those of a municipality it
 *   asks to join), and staff;
 * - `consent`: a joining municipality's applicants;
 * - `decide`: approve, recommend or reject (officers); `confirm`: confirm or decline a recommendation (approvers).
 */
export type GrantChangeAccess = 'read' | 'consent' | 'decide' | 'confirm';

@Injectable()
export class GrantChangePolicy extends AccessPolicy<GrantChangeAccess> {
  protected readonly table = 'grant_change_request';
  protected readonly noun = 'Change request';
  protected readonly visibility = 'read';
  protected override readonly refusals = {
    consent: {
      code: E.NOT_YOUR_MUNICIPALITY,
      message: 'Only an applicant of a municipality the request asks to join gives that municipality’s consent.',
      when: ownConsortium.grant('consortium_id'),
    },
  };

  constructor() {
    super();
    this.grant('read', 'applicant', ownConsortium.grant('consortium_id'))
      .grant('read', 'applicant', joiningMunicipality)
      .grant('read', ['officer', 'approver', 'evaluator', 'auditor'], EVERY_ROW)
      .grant('consent', 'applicant', joiningMunicipality)
      .grant('decide', 'officer', EVERY_ROW)
      .grant('confirm', 'approver', EVERY_ROW);
  }
}
