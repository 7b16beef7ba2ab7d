import { Injectable } from '@nestjs/common';
import { AccessPolicy, EVERY_ROW, Grant } from '../identity/access/access-policy';
import { ownConsortium } from '../identity/access/predicates';

/**
 * - `read`: the decision, without the internal note and the out-of-rank justification for the consortium;
 * - `internal`: the internal note, the justification and the approval history (staff);
 * - `prepare`: the officer's draft, edit, propose, discard;
 * - `approve`: the approver's approve and return (separation of duties is the workflow's `notBy`).
 */
export type DecisionAccess = 'read' | 'internal' | 'prepare' | 'approve';

/** The consortium's applicants know of a decision once its letter is sent (before that it is the directorate's draft). */
const sentToOwnConsortium: Grant = (row, actor, bind) =>
  `${row}.status IN ('SENT', 'SUPERSEDED') AND EXISTS (SELECT 1 FROM application own_a WHERE own_a.id = ${row}.application_id AND ${ownConsortium.sql('own_a.consortium_id', actor, bind)})`;

/** Evaluators study what was decided, not drafts. */
const sent: Grant = (row) => `${row}.status IN ('SENT', 'SUPERSEDED')`;

@Injectable()
export class DecisionPolicy extends AccessPolicy<DecisionAccess> {
  protected readonly table = 'decision';
  protected readonly noun = 'Decision';
  protected readonly visibility = 'read';

  constructor() {
    super();
    this.grant('read', 'applicant', sentToOwnConsortium)
      .grant('read', 'evaluator', sent)
      .grant(['read', 'internal'], ['officer', 'approver', 'auditor'], EVERY_ROW)
      .grant('prepare', 'officer', EVERY_ROW)
      .grant('approve', 'approver', EVERY_ROW);
  }
}
