import { EntityManager } from 'typeorm';
import { WorkflowEngine } from '../../workflow/workflow';
import { GrantPaymentLine } from '../entities/grant.entity';
import { PaymentWorkflow } from './payment.workflow';

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
  const attempts: Array<{ tranche: number; attempt: number }> = await m.query(
    `SELECT tranche, max(attempt)::int AS attempt FROM payment WHERE grant_id = $1 GROUP BY tranche`,
    [grant.id],
  );
  for (const [i, line] of lines.entries()) {
    const tranche = i + 1;
    const attempt = (attempts.find((a) => Number(a.tranche) === tranche)?.attempt ?? 0) + 1;
    await m.query(
      `INSERT INTO payment (status, grant_id, call_id, tranche, attempt, trigger, share_bp, planned_ore, amount_ore, reference, created_at, updated_at)
       VALUES ('PLANNED', $1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $9)`,
      [
        grant.id,
        grant.callId,
        tranche,
        attempt,
        line.trigger,
        line.shareBp,
        line.amountOre,
        paymentReference(grant.caseNumber, tranche, attempt),
        at.toISOString(),
      ],
    );
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
  const rows: Array<{ id: string }> = await m.query(
    `SELECT id FROM payment WHERE grant_id = $1 AND status IN ('PLANNED','PAYABLE','FAILED') ORDER BY tranche`,
    [grantId],
  );
  for (const r of rows) await engine.transition(m, PaymentWorkflow, r.id, 'cancel', 'system', { at, reason });
}
