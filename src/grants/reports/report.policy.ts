import { Injectable } from '@nestjs/common';
import { AccessPolicy, EVERY_ROW } from '../../identity/access/access-policy';
import { ledConsortium, ownConsortium } from '../../identity/access/predicates';
import { ReportErrors as E } from './reports.errors';

/**
 * - `read`: the report, its versions, reviews, journal entries and attachments: the grant's consortium's applicants,
 *   and staff (officers, approvers, evaluators, auditors);
 * - `write`: save, attach and submit, for the lead municipality's applicants (the lead acts for the consortium; the
 *   other members' applicants read, 403 ONLY_LEAD_ACTS_FOR_CONSORTIUM);
 * - `review`: approve or request changes; `manage`: extensions (officers).
 */
export type ReportAccess = 'read' | 'write' | 'review' | 'manage';

@Injectable()
export class ReportPolicy extends AccessPolicy<ReportAccess> {
  protected readonly table = 'report';
  protected readonly noun = 'Report';
  protected readonly visibility = 'read';
  protected override readonly refusals = {
    write: {
      code: E.ONLY_LEAD_ACTS,
      message: "Only the lead municipality's applicants write and submit the consortium's reports; members read them.",
      when: ownConsortium.grant('consortium_id'),
    },
  };

  constructor() {
    super();
    this.grant('read', 'applicant', ownConsortium.grant('consortium_id'))
      .grant('read', ['officer', 'approver', 'evaluator', 'auditor'], EVERY_ROW)
      .grant('write', 'applicant', ledConsortium.grant('consortium_id'))
      .grant(['review', 'manage'], 'officer', EVERY_ROW);
  }
}
