import { EntityManager } from 'typeorm';
import { WorkflowEngine } from '../../workflow/workflow';
import { GrantPaymentLine } from '../entities/grant.entity';
import { PaymentWorkflow } from './payment.workflow';
import { insertPlannedPayment, lastAttempts, openPayments } from './payments.queries';

/** The payment reference the bank and the accounting system see: the case, the tranche and the attempt. */
export function paymentReference(caseNumber: string, tranche: number, attempt: number): string {
  return `HTO-${caseNumber.replace('/', '-')}-${tranche}-${attempt}`;
}

/**
 * One payment per line of the grant's payment plan (the lines in øre, the rounding remainder on the last), PLANNED
 * until its condition holds. A tranche that had payments before (a new plan) gets the next attempt number, so every
 * reference stays unique.
 */
export async function insertTranches(
  m: EntityManager,
  grant: { id: string; callId: string; caseNumber: string },
  lines: readonly GrantPaymentLine[],
  at: Date,
): Promise<void> {
  const attempts = await lastAttempts(m, grant.id);
  for (const [i, line] of lines.entries()) {
    const tranche = i + 1;
    const attempt = (attempts.find((a) => Number(a.tranche) === tranche)?.attempt ?? 0) + 1;
    await insertPlannedPayment(m, {
      grantId: grant.id,
      callId: grant.callId,
      tranche,
      attempt,
      trigger: line.trigger,
      shareBp: line.shareBp,
      amountOre: line.amountOre,
      reference: paymentReference(grant.caseNumber, tranche, attempt),
      at,
    });
  }
}

/**
 * A grant that ends without being paid out (cancelled on appeal, lapsed): its tranches not yet attested (or failed)
 * are cancelled. What is attested, approved or sent stays, for the officer and the approver to stop or see through.
 */
export async function cancelOpenTranches(
  m: EntityManager,
  engine: WorkflowEngine,
  grantId: string,
  reason: string,
  at: Date,
): Promise<void> {
  for (const id of await openPayments(m, grantId)) await engine.transition(m, PaymentWorkflow, id, 'cancel', 'system', { at, reason });
}
