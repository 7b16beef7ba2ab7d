import { Clock } from '../common/clock';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { requestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { canonicalJson, objectOf, redact } from './canonical-json';
import { Actor } from '../common/actor';
import { AuditHashInput, entryMac } from './audit-chain';
import { insertAuditEvent, nextAuditSeq } from './audit.queries';
import { AuditSealer } from './audit-sealer.service';

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

export { auditHash, auditMac, entryMac, GENESIS_HASH } from './audit-chain';
export { AuditHashInput } from './audit-chain';

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
 * Appends to the audit trail inside the caller's transaction, so the record and the change commit or roll back
 * together. Writers do not wait for each other: an entry is written with its sequence number and the MAC of its
 * content, unsealed, and AuditSealer links the committed entries into the hash chain in sequence order after commit.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly sealer: AuditSealer,
  ) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    const ctx = requestContext.get();
    const actor = entry.actor === undefined ? ctx?.actor : entry.actor;
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
    await insertAuditEvent(manager, { ...row, mac: entryMac(this.config.auditHmacKey, row) });
    // the sealer waits for this transaction to end, then links the entry (or finds it rolled back)
    this.sealer.kick();
  }
}
