import { Injectable } from '@nestjs/common';
import { ApplicationErrors } from '../applications/applications.errors';
import { AccessPolicy, EVERY_ROW, Grant } from '../identity/access/access-policy';
import { ledConsortium, ownConsortium } from '../identity/access/predicates';

/**
 * - `read`: the decision, without the internal note and the out-of-rank justification for the consortium;
 * - `internal`: the internal note, the justification and the approval history (staff);
 * - `prepare`: the officer's draft, edit, propose, discard;
 * - `approve`: the approver's approve and return (separation of duties is the workflow's `notBy`);
 * - `lodge`: appeal it: the lead municipality's applicants for the consortium (the other members' applicants read it,
 *   403 ONLY_LEAD_ACTS_FOR_CONSORTIUM), and the officer registering an appeal that came by other ways;
 * - `admit`: register an appeal after the deadline with a reason (forvaltningsloven § 31): the officer.
 */
export type DecisionAccess = 'read' | 'internal' | 'prepare' | 'approve' | 'lodge' | 'admit';

/** The consortium's applicants know of a decision once its letter is sent (before that it is the directorate's draft). */
const sentToOwnConsortium: Grant = (row, actor, bind) =>
  `${row}.status IN ('SENT', 'SUPERSEDED') AND EXISTS (SELECT 1 FROM application own_a WHERE own_a.id = ${row}.application_id AND ${ownConsortium.sql('own_a.consortium_id', actor, bind)})`;

/** Evaluators study what was decided, not drafts. */
const sent: Grant = (row) => `${row}.status IN ('SENT', 'SUPERSEDED')`;

/** A sent decision of a consortium the actor's organisation leads (whether it can still be appealed is the service's). */
const sentToLedConsortium: Grant = (row, actor, bind) =>
  `${row}.status IN ('SENT', 'SUPERSEDED') AND EXISTS (SELECT 1 FROM application led_a WHERE led_a.id = ${row}.application_id AND ${ledConsortium.sql('led_a.consortium_id', actor, bind)})`;

export const ONLY_LEAD_APPEALS_MESSAGE =
  "Only the lead municipality's applicants appeal for the consortium; the other members read the decision and its appeals.";

@Injectable()
export class DecisionPolicy extends AccessPolicy<DecisionAccess> {
  protected readonly table = 'decision';
  protected readonly noun = 'Decision';
  protected readonly visibility = 'read';
  protected override readonly refusals = {
    lodge: { code: ApplicationErrors.ONLY_LEAD_ACTS, message: ONLY_LEAD_APPEALS_MESSAGE, when: sentToOwnConsortium },
  };

  constructor() {
    super();
    this.grant('read', 'applicant', sentToOwnConsortium)
      .grant('read', 'evaluator', sent)
      .grant(['read', 'internal'], ['officer', 'approver', 'auditor'], EVERY_ROW)
      .grant('prepare', 'officer', EVERY_ROW)
      .grant('approve', 'approver', EVERY_ROW)
      .grant('lodge', 'applicant', sentToLedConsortium)
      .grant(['lodge', 'admit'], 'officer', EVERY_ROW);
  }
}
