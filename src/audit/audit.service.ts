import { Clock } from '../common/clock';
import { Injectable } from '@nestjs/common';
import { createHash, createHmac } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { requestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { canonicalJson, objectOf, redact } from './canonical-json';
import { Actor } from '../common/actor';
import { insertAuditEvent, lastAuditHash, lockAuditChain, nextAuditSeq } from './audit.queries';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  /** Defaults to the actor of the current request. */
  actor?: Actor | null;
  /** For events without a signed-in actor (failed login): what we know of the caller. */
  actorLabel?: string;
}

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

/** Only the fields that changed, before → after; secrets redacted. */
export function diffOf(before: unknown, after: unknown): Record<string, { before: unknown; after: unknown }> | null {
  const b = (redact(before) ?? {}) as Record<string, unknown>;
  const a = (redact(after) ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || typeof a !== 'object') return { value: { before: b, after: a } };
  // own properties only: a key such as "__proto__" is data here, not a way up the prototype chain
  const own = (o: Record<string, unknown>, k: string) => (Object.hasOwn(o, k) ? (o[k] ?? null) : null);
  const changed = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => canonicalJson(own(b, k)) !== canonicalJson(own(a, k)));
  return changed.length
    ? (objectOf(changed.map((k) => [k, { before: own(b, k), after: own(a, k) }])) as Record<string, { before: unknown; after: unknown }>)
    : null;
}

/** The value as the database will give it back (plain JSON, keys sorted, storable text), so verification rehashes the same bytes. */
function asStored<T>(value: T): T {
  return JSON.parse(canonicalJson(value));
}

/**
 * Appends to the hash-chained audit trail inside the caller's transaction, so the record and the change
 * commit or roll back together. An advisory lock orders writers: the chain follows commit order.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    const ctx = requestContext.get();
    const actor = entry.actor === undefined ? ctx?.actor : entry.actor;
    await lockAuditChain(manager);
    const last = await lastAuditHash(manager);
    const seq = await nextAuditSeq(manager);
    const row: AuditHashInput = asStored({
      seq,
      occurredAt: this.clock.now().toISOString(),
      actorUserId: actor?.userId ?? null,
      actorTokenId: actor?.tokenId ?? null,
      actorRoles: actor?.roles ? [...actor.roles] : [],
      actorLabel: entry.actorLabel ?? (actor ? actor.email : null),
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      diff: diffOf(entry.before, entry.after),
      requestId: ctx?.requestId ?? null,
      clientAddress: ctx?.clientAddress ?? null,
    });
    const prevHash = last ?? GENESIS_HASH;
    const hash = auditHash(prevHash, row);
    // prev_hash is unique, so the chain cannot fork. Under the lock a conflict can only come from a transaction whose
    // snapshot is older than the newest entry (REPEATABLE READ or SERIALIZABLE): PostgreSQL then raises a
    // serialization failure (40001) that rolls the caller back, retryably, instead of writing a second successor
    const inserted = await insertAuditEvent(manager, { ...row, prevHash, hash, mac: auditMac(this.config.auditHmacKey, hash) });
    if (!inserted) throw new Error(`audit entry ${row.seq} lost the race for its place in the chain; a writer bypassed the audit lock`);
  }
}
