import { Injectable } from '@nestjs/common';
import { AccessPolicy, EVERY_ROW } from '../identity/access/access-policy';
import { ledConsortium, ownConsortium } from '../identity/access/predicates';
import { ApplicationErrors as E } from './applications.errors';

/**
 * - `read`: know of the application and read it (and its case journal, versions and attachments);
 * - `write`: the applicant's draft, submit, withdraw and attachments, only for consortia its own organisation leads
 *   (the lead acts for the consortium; the other members' applicants read, 403 ONLY_LEAD_ACTS_FOR_CONSORTIUM),
 *   whatever other role the user also holds (an applicant who is also an evaluator reads every application but
 *   changes only its own consortia's: another's stays a 404 for a change);
 * - `process`: the officer's formal check, return for completion and deadlines;
 * - `personal`: see the personal data in it (contact persons' names, e-mail addresses and phone numbers). A reader
 *   without it gets the application without them: evaluators study the portfolio, not the people.
 */
export type ApplicationAccess = 'read' | 'write' | 'process' | 'personal';

export const ONLY_LEAD_ACTS_MESSAGE =
  "Only the lead municipality's applicants draft, submit and withdraw the consortium's applications; members read them.";

/**
 * Who may reach which application (a case follows its application). Modules built on applications add their
 * grants when they start, referring to their own tables by SQL text: assessment (src/assessment/assessment-access.ts)
 * lets an assessor read an application through its own assignment once it has declared no conflict (DECLARED or
 * COMPLETED), without the personal data; decisions could narrow approvers to what awaits their approval the same
 * way, by a grant over the row's status.
 */
@Injectable()
export class ApplicationPolicy extends AccessPolicy<ApplicationAccess> {
  protected readonly table = 'application';
  protected readonly noun = 'Application';
  protected readonly visibility = 'read';
  protected override readonly refusals = {
    write: { code: E.ONLY_LEAD_ACTS, message: ONLY_LEAD_ACTS_MESSAGE, when: ownConsortium.grant('consortium_id') },
  };

  constructor() {
    super();
    const own = ownConsortium.grant('consortium_id');
    this.grant('read', 'applicant', own)
      .grant('read', ['officer', 'approver', 'evaluator', 'auditor', 'admin'], EVERY_ROW)
      .grant('write', 'applicant', ledConsortium.grant('consortium_id'))
      .grant('process', 'officer', EVERY_ROW)
      .grant('personal', 'applicant', own)
      .grant('personal', ['officer', 'approver', 'auditor', 'admin'], EVERY_ROW);
  }
}
