import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { StoredAuditRow } from './audit.queries';

/** The hash chain's arithmetic, shared by the writer (AuditService), the sealer and the verifier (AuditReader). */

export const GENESIS_HASH = '0'.repeat(64);

/** The fields that are hashed, in the stored form. Verification recomputes exactly this. */
export interface AuditHashInput {
  seq: string;
  occurredAt: string;
  actorUserId: string | null;
  actorTokenId: string | null;
  actorRoles: string[];
  actorLabel: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  diff: unknown;
  requestId: string | null;
  clientAddress: string | null;
}

export function auditHash(prevHash: string, row: AuditHashInput): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(row)).digest('hex');
}

/** The entry's seal: its hash (which covers its content and its link) under the audit key, which the database never holds. */
export function auditMac(key: string, hash: string): string {
  return createHmac('sha256', key).update(hash).digest('hex');
}

/**
 * The MAC an entry carries from its writer until it is sealed: of its content (sequence number included) under the
 * audit key, so the sealer links only entries the service wrote (a row inserted by anyone without the key is sealed
 * without a MAC, and verification reports it).
 */
export function entryMac(key: string, row: AuditHashInput): string {
  return createHmac('sha256', key).update('audit-entry\n').update(canonicalJson(row)).digest('hex');
}

/** Exactly what AuditService hashed, rebuilt from the stored row. */
export function hashInputOf(r: StoredAuditRow): AuditHashInput {
  return {
    seq: r.seq,
    occurredAt: new Date(r.occurred_at).toISOString(),
    actorUserId: r.actor_user_id,
    actorTokenId: r.actor_token_id,
    actorRoles: r.actor_roles,
    actorLabel: r.actor_label,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    diff: r.diff,
    requestId: r.request_id,
    clientAddress: r.client_address,
  };
}
