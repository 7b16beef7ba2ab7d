import { EntityManager } from 'typeorm';
import { SqlFilter } from '../common/sql-filter';

/**
 * The audit trail's raw SQL, one function per query returning typed rows. Callers pass the EntityManager: the
 * writer's transaction (AuditService) or dataSource.manager (AuditReader). The chain's rules stay in the services.
 */

/** An audit_event row as stored, seq as text (a bigint), the way verification rehashes it. */
export type StoredAuditRow = {
  seq: string;
  occurred_at: Date;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_roles: string[];
  actor_label: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  diff: unknown;
  request_id: string | null;
  client_address: string | null;
  prev_hash: string;
  hash: string;
  mac?: string | null;
};

// seq as text (a bigint); ORDER BY must then name e.seq, or it would sort the text
const COLUMNS = `e.seq::text AS seq, occurred_at, actor_user_id::text AS actor_user_id, actor_token_id::text AS actor_token_id, actor_roles, actor_label,
                 action, entity_type, entity_id, diff, request_id, client_address, prev_hash, hash, mac`;

/* ------------------------------------------------------------------ writing */

/** Orders the chain's writers until the transaction ends: the chain follows commit order. */
export async function lockAuditChain(m: EntityManager): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(7310001)`);
}

/** The newest entry's hash, or undefined before the first entry. */
export async function lastAuditHash(m: EntityManager): Promise<string | undefined> {
  const [last]: Array<{ hash: string }> = await m.query(`SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1`);
  return last?.hash;
}

/** The next sequence number, as text (a bigint). */
export async function nextAuditSeq(m: EntityManager): Promise<string> {
  const [{ seq }]: Array<{ seq: string }> = await m.query(`SELECT nextval('audit_event_seq_seq')::text AS seq`);
  return String(seq);
}

export interface AuditInsert {
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
  prevHash: string;
  hash: string;
  mac: string;
}

/** Appends the entry; false when another entry already follows prev_hash (the chain does not fork). */
export async function insertAuditEvent(m: EntityManager, e: AuditInsert): Promise<boolean> {
  const inserted: unknown[] = await m.query(
    `INSERT INTO audit_event (seq, occurred_at, actor_user_id, actor_token_id, actor_roles, actor_label, action, entity_type, entity_id, diff, request_id, client_address, prev_hash, hash, mac)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (prev_hash) DO NOTHING RETURNING seq`,
    [
      e.seq,
      e.occurredAt,
      e.actorUserId,
      e.actorTokenId,
      e.actorRoles,
      e.actorLabel,
      e.action,
      e.entityType,
      e.entityId,
      e.diff === null ? null : JSON.stringify(e.diff),
      e.requestId,
      e.clientAddress,
      e.prevHash,
      e.hash,
      e.mac,
    ],
  );
  return inserted.length > 0;
}

/* ------------------------------------------------------------------ reading */

/** Newest first, under the filter (its conditions and the cursor). */
export function auditPage(m: EntityManager, f: SqlFilter, limit: number): Promise<StoredAuditRow[]> {
  return m.query(`SELECT ${COLUMNS} FROM audit_event e ${f.clause} ORDER BY e.seq DESC LIMIT ${f.bind(limit)}`, f.params);
}

/** The chain in order, a page at a time: the entries after `afterSeq` (from the first when null). */
export function auditChainPage(m: EntityManager, afterSeq: string | null, limit: number): Promise<StoredAuditRow[]> {
  return m.query(
    `SELECT ${COLUMNS} FROM audit_event e ${afterSeq ? 'WHERE e.seq > $2::bigint' : ''} ORDER BY e.seq LIMIT $1`,
    afterSeq ? [limit, afterSeq] : [limit],
  );
}

/** The last entry written before the audit key existed (verified by hash and link alone); 0 when none was. */
export async function unkeyedUntil(m: EntityManager): Promise<bigint> {
  const [keyed]: Array<{ unkeyed_until: string }> = await m.query(`SELECT unkeyed_until::text FROM audit_chain_keyed_from`);
  return BigInt(keyed?.unkeyed_until ?? '0');
}
