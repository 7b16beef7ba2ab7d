import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { decodeCursor, Page, pageLimit, toPage } from '../common/pagination';
import { escapeLike, SqlFilter } from '../common/sql-filter';
import { AppConfig } from '../config/app-config';
import { auditHash, AuditHashInput, auditMac, GENESIS_HASH } from './audit.service';
import { AuditQuery } from './dto/audit.dto';
import { isUuid } from '../common/uuid';
import { ChainBreaks } from './audit.errors';
import { auditChainPage, auditPage, StoredAuditRow, unkeyedUntil } from './audit.queries';

export interface AuditEventView {
  seq: number;
  occurredAt: string;
  actor: { userId: string | null; tokenId: string | null; roles: string[]; label: string | null };
  action: string;
  entityType: string;
  entityId: string | null;
  diff: unknown;
  requestId: string | null;
  clientAddress: string | null;
  prevHash: string;
  hash: string;
}

type BreakReason = (typeof ChainBreaks)[keyof typeof ChainBreaks];

export type ChainReport =
  | { ok: true; count: number; lastSeq: number | null; lastHash: string }
  | {
      ok: false;
      brokenAt: number;
      reason: BreakReason;
      detail: string;
      verifiedBefore: number;
    };

/** An earlier report's head (lastSeq, lastHash), kept outside the database: the chain must still pass through it. */
export interface ChainAnchor {
  seq: number;
  hash: string;
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

function toView(r: StoredAuditRow): AuditEventView {
  return {
    seq: Number(r.seq),
    occurredAt: new Date(r.occurred_at).toISOString(),
    actor: { userId: r.actor_user_id, tokenId: r.actor_token_id, roles: r.actor_roles, label: r.actor_label },
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    diff: r.diff,
    requestId: r.request_id,
    clientAddress: r.client_address,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

const VERIFY_PAGE = 500;
// how far back an out-of-place link is traced to tell an inserted entry from a deleted one
const RECENT_LINKS = 5000;

/** Reads the audit trail for auditors, and proves (or disproves) that nobody changed it. */
@Injectable()
export class AuditReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async list(q: AuditQuery): Promise<Page<AuditEventView>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, ['bigint']);
    const f = new SqlFilter();
    if (q.entityType) f.where(`entity_type = ${f.bind(q.entityType)}`);
    if (q.entityId) f.where(`entity_id = ${f.bind(q.entityId)}`);
    if (q.actor)
      f.where(isUuid(q.actor) ? `actor_user_id = ${f.bind(q.actor)}::uuid` : `actor_label = ${f.bind(q.actor.trim().toLowerCase())}`);
    if (q.action)
      f.where(q.action.endsWith('*') ? `action LIKE ${f.bind(`${escapeLike(q.action.slice(0, -1))}%`)}` : `action = ${f.bind(q.action)}`);
    if (q.from) f.where(`occurred_at >= ${f.bind(q.from)}::timestamptz`);
    if (q.to) f.where(`occurred_at < ${f.bind(q.to)}::timestamptz`);
    if (after) f.where(`e.seq < ${f.bind(String(after[0]))}::bigint`);
    const rows = await auditPage(this.dataSource.manager, f, limit + 1);
    return toPage(rows.map(toView), limit, (e) => [String(e.seq)]);
  }

  /**
   * Walks the chain in order, a page at a time, and reports the first entry that breaks it: content that no
   * longer matches its hash (changed), an entry the next one links past (inserted), or a link to an entry that
   * is not there (deleted). Deleting the newest entries leaves an intact, shorter chain, and so does rewriting
   * every entry from some point on: an anchor (lastSeq and lastHash of an earlier report, kept outside the
   * database) catches both, as the chain must still hold that entry with that hash. Each entry must also carry the MAC
   * of its hash under the audit key (entries from before the key existed excepted): an entry written by anyone without
   * the key, however well linked and hashed, is reported as BAD_MAC.
   */
  async verify(anchor?: ChainAnchor): Promise<ChainReport> {
    const keyedAfter = await unkeyedUntil(this.dataSource.manager);
    const key = this.config.auditHmacKey;
    const sealed = (r: StoredAuditRow) => {
      if (r.mac == null) return BigInt(r.seq) <= keyedAfter;
      const expected = Buffer.from(auditMac(key, r.hash), 'utf8');
      const actual = Buffer.from(r.mac, 'utf8');
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    };
    let anchorHash: string | undefined;
    let expectedPrev = GENESIS_HASH;
    let count = 0;
    let lastSeq: string | null = null;
    const recent: Array<{ seq: string; hash: string }> = [];
    for (;;) {
      const rows = await auditChainPage(this.dataSource.manager, lastSeq, VERIFY_PAGE);
      for (const r of rows) {
        const broken = (
          reason: Exclude<BreakReason, typeof ChainBreaks.TRUNCATED | typeof ChainBreaks.ANCHOR_MISMATCH>,
          at: string,
          detail: string,
        ): ChainReport => ({
          ok: false,
          brokenAt: Number(at),
          reason,
          detail,
          verifiedBefore: count,
        });
        if (auditHash(r.prev_hash, hashInputOf(r)) !== r.hash) {
          return broken(ChainBreaks.HASH_MISMATCH, r.seq, `entry ${r.seq} does not match its hash: it was changed after it was written`);
        }
        if (r.prev_hash !== expectedPrev) {
          const linked = recent.findIndex((x) => x.hash === r.prev_hash);
          if (linked >= 0 && linked + 1 < recent.length) {
            const inserted = recent[linked + 1].seq;
            return broken(
              ChainBreaks.INSERTED,
              inserted,
              `entry ${inserted} is not part of the chain: entry ${r.seq} links to entry ${recent[linked].seq} before it`,
            );
          }
          return broken(
            ChainBreaks.PREDECESSOR_MISSING,
            r.seq,
            `entry ${r.seq} links to an entry that is not there: the entry before it was deleted or rewritten`,
          );
        }
        if (!sealed(r)) {
          return broken(
            ChainBreaks.BAD_MAC,
            r.seq,
            `entry ${r.seq} does not carry the audit key's MAC: it was written or rewritten by someone without the key, not by the service`,
          );
        }
        expectedPrev = r.hash;
        if (anchor && Number(r.seq) === anchor.seq) anchorHash = r.hash;
        count++;
        recent.push({ seq: r.seq, hash: r.hash });
        if (recent.length > RECENT_LINKS) recent.shift();
      }
      if (rows.length < VERIFY_PAGE) break;
      lastSeq = rows[rows.length - 1].seq;
    }
    if (anchor && anchorHash === undefined) {
      return {
        ok: false,
        brokenAt: anchor.seq,
        reason: ChainBreaks.TRUNCATED,
        detail: `entry ${anchor.seq} of the anchor is no longer in the chain: entries were deleted from its end`,
        verifiedBefore: count,
      };
    }
    if (anchor && anchorHash !== anchor.hash) {
      return {
        ok: false,
        brokenAt: anchor.seq,
        reason: ChainBreaks.ANCHOR_MISMATCH,
        detail: `entry ${anchor.seq} no longer has the anchored hash: the chain was rewritten from that entry or before it`,
        verifiedBefore: count,
      };
    }
    return { ok: true, count, lastSeq: recent.length ? Number(recent[recent.length - 1].seq) : null, lastHash: expectedPrev };
  }
}
