import { Injectable } from '@nestjs/common';
import { AccessPolicy, EVERY_ROW } from '../identity/access/access-policy';
import { ownConsortium } from '../identity/access/predicates';

/**
 * Who may reach the messages of a case, over the application the case follows (a case has no id of its own):
 * - `thread`: read the messages between the consortium and the staff: the applicants of the consortium's members,
 *   and officers, approvers and auditors (auditors read, never write);
 * - `write`: write in that thread: the consortium's applicants (to the staff) and officers and approvers (to the
 *   consortium);
 * - `notes`: read internal notes: officers, approvers, auditors; `note`: write one: officers and approvers.
 * Assessors and evaluators hold none of them, whatever the application policy lets them read: assessors never
 * exchange messages with the consortium, and internal notes are the staff's. Everyone else gets 404, not 403.
 */
export type CaseMessageAccess = 'thread' | 'write' | 'notes' | 'note';

@Injectable()
export class CaseMessagePolicy extends AccessPolicy<CaseMessageAccess> {
  protected readonly table = 'application';
  protected readonly noun = 'Case';
  protected readonly visibility = 'thread';

  constructor() {
    super();
    const own = ownConsortium.grant('consortium_id');
    this.grant(['thread', 'write'], 'applicant', own)
      .grant('thread', ['officer', 'approver', 'auditor'], EVERY_ROW)
      .grant('write', ['officer', 'approver'], EVERY_ROW)
      .grant('notes', ['officer', 'approver', 'auditor'], EVERY_ROW)
      .grant('note', ['officer', 'approver'], EVERY_ROW);
  }
}
