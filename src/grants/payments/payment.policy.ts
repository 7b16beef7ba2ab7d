import { Injectable } from '@nestjs/common';
import { AccessPolicy, EVERY_ROW } from '../../identity/access/access-policy';

/**
 * Payments are the directorate's: officers attest and record what the bank did, approvers approve, auditors and
 * evaluators read. The consortium sees its tranches in the grant's ledger (GET /grants/{id}), not here.
 * - `read`: the payment; - `attest`: the officer's steps; - `approve`: the approver's.
 */
export type PaymentAccess = 'read' | 'attest' | 'approve';

@Injectable()
export class PaymentPolicy extends AccessPolicy<PaymentAccess> {
  protected readonly table = 'payment';
  protected readonly noun = 'Payment';
  protected readonly visibility = 'read';

  constructor() {
    super();
    this.grant('read', ['officer', 'approver', 'auditor', 'evaluator'], EVERY_ROW)
      .grant('attest', 'officer', EVERY_ROW)
      .grant('approve', 'approver', EVERY_ROW);
  }
}
