import { Injectable } from '@nestjs/common';
import { AccessPolicy, Grant, EVERY_ROW } from '../../identity/access/access-policy';
import { ownConsortium } from '../../identity/access/predicates';

const ofOwnGrant: Grant = (row, actor, bind) =>
  `EXISTS (SELECT 1 FROM grant_award rg WHERE rg.id = ${row}.grant_id AND ${ownConsortium.sql('rg.consortium_id', actor, bind)})`;

/**
 * - `read`: a reclaim and its demand letter: staff, and the consortium of the grant (once demanded: a proposal the
 *   officer has not confirmed is internal);
 * - `manage`: raise, confirm, dismiss, record repayments, propose a write-off (officer);
 * - `approve`: confirm or refuse a write-off (approver).
 */
export type ReclaimAccess = 'read' | 'manage' | 'approve';

@Injectable()
export class ReclaimPolicy extends AccessPolicy<ReclaimAccess> {
  protected readonly table = 'reclaim';
  protected readonly noun = 'Reclaim';
  protected readonly visibility = 'read';

  constructor() {
    super();
    this.grant('read', ['officer', 'approver', 'auditor', 'evaluator'], EVERY_ROW)
      .grant(
        'read',
        'applicant',
        (row, actor, bind) => `(${row}.status NOT IN ('PROPOSED','DISMISSED') AND ${ofOwnGrant(row, actor, bind)})`,
      )
      .grant('manage', 'officer', EVERY_ROW)
      .grant('approve', 'approver', EVERY_ROW);
  }
}
