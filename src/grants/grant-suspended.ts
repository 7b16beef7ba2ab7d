import { EntityManager } from 'typeorm';
import { osloDate } from '../common/legal-deadline';
import { DomainError } from '../common/problem';
import { suspensionInForce } from './grant-status.queries';
import { GrantErrors as E } from './grants.errors';

/** What attestation answers while the grant is suspended (409): it names the suspension, since when and why. */
export async function suspendedProblem(m: EntityManager, grantId: string): Promise<DomainError> {
  const s = await suspensionInForce(m, grantId);
  return DomainError.conflict(
    E.GRANT_SUSPENDED,
    `The grant is suspended${s ? ` since ${osloDate(s.suspendedAt).toString()} (${s.reasons})` : ''}: no payment is attested until the suspension is lifted.`,
    { grantStatus: 'SUSPENDED', suspendedAt: s?.suspendedAt.toISOString() ?? null, reasons: s?.reasons ?? null },
  );
}
