import { Injectable } from '@nestjs/common';
import { AccessPolicy, EVERY_ROW } from '../identity/access/access-policy';
import { ledConsortium, ownConsortium } from '../identity/access/predicates';
import { OrganisationErrors as E } from './organisations.errors';

export type ConsortiumAccess = 'read' | 'write';

/**
 * Who may see and change which consortium. Applicants: read the consortia of their own organisations, change those
 * their own organisation leads (the lead acts for the consortium; members confirm or leave through the member
 * routes); staff who read consortia: all; officers change any. A member who is not the lead gets 403
 * ONLY_LEAD_ACTS_FOR_CONSORTIUM for a change, another reader who may not change it (an applicant who is also an
 * evaluator) 403 NOT_YOUR_CONSORTIUM, anyone else 404.
 */
@Injectable()
export class ConsortiumPolicy extends AccessPolicy<ConsortiumAccess> {
  protected readonly table = 'consortium';
  protected readonly noun = 'Consortium';
  protected readonly visibility = 'read';
  protected override readonly refusals = {
    write: [
      {
        code: E.ONLY_LEAD_ACTS,
        message: "Only the lead municipality's applicants change the consortium; members read it, and confirm or leave.",
        when: ownConsortium.grant('id'),
      },
      { code: E.NOT_YOUR_CONSORTIUM, message: 'You can only change a consortium that your own organisation leads.' },
    ],
  };

  constructor() {
    super();
    const own = ownConsortium.grant('id');
    this.grant('read', 'applicant', own)
      .grant('read', ['officer', 'approver', 'evaluator', 'auditor', 'admin'], EVERY_ROW)
      .grant('write', 'applicant', ledConsortium.grant('id'))
      .grant('write', 'officer', EVERY_ROW);
  }
}
