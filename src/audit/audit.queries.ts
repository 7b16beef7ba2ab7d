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
  /** NULL until the entry is sealed into the chain */
  prev_hash: string | null;
  hash: string | null;
  mac?: string | null;
};

// seq as text (a bigint); ORDER BY must then name e.seq, or it would sort the text
const COLUMNS = `e.seq::text AS seq, occurred_at, actor_user_id::text AS actor_user_id, actor_token_id::text AS actor_token_id, actor_roles, actor_label,
                 action, entity_type, entity_id, diff, request_id, client_address, prev_hash, hash, mac`;

/* ------------------------------------------------------------------ writing */

/**
 * The next sequence number, as text (a bigint), taken after the transaction has its id (the subquery runs first): the
 * sealer relies on that order to know when every entry up to a sequence number has committed or rolled back.
 */
export async function nextAuditSeq(m: EntityManager): Promise<string> {
  const [{ seq }]: Array<{ seq: string }> = await m.query(
    `SELECT nextval('audit_event_seq_seq')::text AS seq FROM (SELECT pg_current_xact_id() AS xid OFFSET 0) x`,
  );
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
  /** the MAC of the entry's content under the audit key; the sealer replaces it by the MAC of the hash */
  mac: string;
}

/** Appends an unsealed entry (no link, no hash): the sealer links it into the chain after commit. */
export async function insertAuditEvent(m: EntityManager, e: AuditInsert): Promise<void> {
  await m.query(
    `INSERT INTO audit_event (seq, occurred_at, actor_user_id, actor_token_id, actor_roles, actor_label, action, entity_type, entity_id, diff, request_id, client_address, mac)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
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
      e.mac,
    ],
  );
}

/* ------------------------------------------------------------------ sealing */

/** The highest sequence number handed out so far (committed or not), as text; '0' before the first. */
export async function lastAuditSeqTaken(m: EntityManager): Promise<string> {
  const [r]: Array<{ last: string }> = await m.query(
    `SELECT (CASE WHEN is_called THEN last_value ELSE last_value - 1 END)::text AS last FROM audit_event_seq_seq`,
  );
  return r.last;
}

/** The transactions running now, as a pg_snapshot in text form. */
export async function runningTransactions(m: EntityManager): Promise<string> {
  const [r]: Array<{ snap: string }> = await m.query(`SELECT pg_current_snapshot()::text AS snap`);
  return r.snap;
}

/**
 * How many of the transactions running in `snapshot` a new snapshot still sees as running. Not pg_xact_status(): a
 * transaction is marked committed in the commit log a moment before new snapshots see it as ended, and a sealer that
 * started in that moment would not see its entry and would seal the ones after it (found by the scale run: an
 * unsealed entry between sealed ones).
 */
export async function stillRunning(m: EntityManager, snapshot: string): Promise<number> {
  const [r]: Array<{ n: number }> = await m.query(
    `SELECT count(*)::int AS n FROM pg_snapshot_xip($1::pg_snapshot) x WHERE NOT pg_visible_in_snapshot(x, pg_current_snapshot())`,
    [snapshot],
  );
  return r.n;
}

/** Orders the sealers (never the writers) until the transaction ends. */
export async function lockAuditSealer(m: EntityManager): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(7310001)`);
}

/** The newest sealed entry (the chain's head), or undefined before the first. */
export async function sealedHead(m: EntityManager): Promise<{ seq: string; hash: string } | undefined> {
  const [r]: Array<{ seq: string; hash: string }> = await m.query(
    `SELECT e.seq::text AS seq, hash FROM audit_event e WHERE hash IS NOT NULL ORDER BY e.seq DESC LIMIT 1`,
  );
  return r;
}

/** Unsealed entries after the head and up to `upTo`, in sequence order. */
export function unsealedPage(m: EntityManager, after: string, upTo: string, limit: number): Promise<StoredAuditRow[]> {
  return m.query(
    `SELECT ${COLUMNS} FROM audit_event e WHERE hash IS NULL AND e.seq > $1::bigint AND e.seq <= $2::bigint ORDER BY e.seq LIMIT $3`,
    [after, upTo, limit],
  );
}

/** Links the entries into the chain (only entries still unsealed: the trigger allows nothing else). */
export async function sealAuditEvents(m: EntityManager, seals: Array<{ seq: string; prevHash: string; hash: string; mac: string | null }>) {
  await m.query(
    `UPDATE audit_event e SET prev_hash = v.prev_hash, hash = v.hash, mac = v.mac
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS v(seq, prev_hash, hash, mac)
      WHERE e.seq = v.seq AND e.hash IS NULL`,
    [seals.map((s) => s.seq), seals.map((s) => s.prevHash), seals.map((s) => s.hash), seals.map((s) => s.mac)],
  );
}

/** Committed entries not yet sealed into the chain. */
export async function unsealedCount(m: EntityManager): Promise<number> {
  const [r]: Array<{ n: number }> = await m.query(`SELECT count(*)::int AS n FROM audit_event WHERE hash IS NULL`);
  return r.n;
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
