import { Injectable } from '@nestjs/common';
import { ApplicationErrors } from '../applications/applications.errors';
import { AccessPolicy, EVERY_ROW, Grant } from '../identity/access/access-policy';
import { ledConsortium, ownConsortium } from '../identity/access/predicates';
import { ONLY_LEAD_APPEALS_MESSAGE } from './decision.policy';

/**
 * - `read`: the appeal, its attachments and its course: the consortium's applicants, and staff who read decisions;
 * - `internal`: who moved it when (staff);
 * - `attach`: add documents to the grounds: the lead municipality's applicants (members read, 403), and the officer;
 * - `handle`: the officer's reversal draft, forwarding to the appeal body, and recording its outcome.
 */
export type AppealAccess = 'read' | 'internal' | 'attach' | 'handle';

const ofOwnConsortium: Grant = (row, actor, bind) =>
  `EXISTS (SELECT 1 FROM application own_a WHERE own_a.id = ${row}.application_id AND ${ownConsortium.sql('own_a.consortium_id', actor, bind)})`;

const ofLedConsortium: Grant = (row, actor, bind) =>
  `EXISTS (SELECT 1 FROM application led_a WHERE led_a.id = ${row}.application_id AND ${ledConsortium.sql('led_a.consortium_id', actor, bind)})`;

@Injectable()
export class AppealPolicy extends AccessPolicy<AppealAccess> {
  protected readonly table = 'appeal';
  protected readonly noun = 'Appeal';
  protected readonly visibility = 'read';
  protected override readonly refusals = {
    attach: { code: ApplicationErrors.ONLY_LEAD_ACTS, message: ONLY_LEAD_APPEALS_MESSAGE, when: ofOwnConsortium },
  };

  constructor() {
    super();
    this.grant('read', 'applicant', ofOwnConsortium)
      .grant(['read', 'internal'], ['officer', 'approver', 'auditor'], EVERY_ROW)
      .grant('attach', 'applicant', ofLedConsortium)
      .grant(['attach', 'handle'], 'officer', EVERY_ROW);
  }
}
