import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, Page, pageLimit, toPage } from '../common/pagination';
import { escapeLike, SqlFilter } from '../common/sql-filter';
import { AppConfig } from '../config/app-config';
import { auditHash, auditMac, entryMac, GENESIS_HASH, hashInputOf } from './audit-chain';
import { AuditSealer } from './audit-sealer.service';
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
  prevHash: string | null;
  hash: string | null;
}

type BreakReason = (typeof ChainBreaks)[keyof typeof ChainBreaks];

export type ChainReport =
  | { ok: true; count: number; lastSeq: number | null; lastHash: string; unsealed: number }
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

export { hashInputOf } from './audit-chain';

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

const VERIFY_PAGE = 5000;
// how far back an out-of-place link is traced to tell an inserted entry from a deleted one
const RECENT_LINKS = 5000;

/** Reads the audit trail for auditors, and proves (or disproves) that nobody changed it. */
@Injectable()
export class AuditReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly sealer: AuditSealer,
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
   * Seals what has committed (AuditSealer), then walks the chain in order, a page at a time, in one consistent snapshot,
   * and reports the first entry that breaks it: content that no longer matches its hash (changed), an entry the next
   * one links past (inserted), or a link to an entry that is not there (deleted). Deleting the newest entries leaves an
   * intact, shorter chain, and so does rewriting every entry from some point on: an anchor (lastSeq and lastHash of an
   * earlier report, kept outside the database) catches both, as the chain must still hold that entry with that hash.
   * Each entry must also carry the MAC of its hash under the audit key (entries from before the key existed excepted):
   * an entry written by anyone without the key, however well linked and hashed, is reported as BAD_MAC. Entries not yet
   * sealed (written after the seal, or by writers still committing) are reported as `unsealed`; they must follow the
   * sealed chain and carry the MAC of their content, or the chain is reported broken.
   */
  async verify(anchor?: ChainAnchor): Promise<ChainReport> {
    await this.sealer.sealPending();
    return this.dataSource.transaction('REPEATABLE READ', (m) => this.walk(m, anchor));
  }

  private async walk(m: EntityManager, anchor?: ChainAnchor): Promise<ChainReport> {
    const keyedAfter = await unkeyedUntil(m);
    const key = this.config.auditHmacKey;
    const sealed = (r: StoredAuditRow & { hash: string }) => {
      if (r.mac == null) return BigInt(r.seq) <= keyedAfter;
      const expected = Buffer.from(auditMac(key, r.hash), 'utf8');
      const actual = Buffer.from(r.mac, 'utf8');
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    };
    let anchorHash: string | undefined;
    let expectedPrev = GENESIS_HASH;
    let count = 0;
    let lastSeq: string | null = null;
    let lastSealed: string | null = null;
    let firstUnsealed: string | null = null;
    let unsealed = 0;
    let recent: Array<{ seq: string; hash: string }> = [];
    for (;;) {
      const rows = await auditChainPage(m, lastSeq, VERIFY_PAGE);
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
        if (r.hash === null) {
          // not sealed yet: the service's own entry carries the MAC of its content
          const expected = entryMac(key, hashInputOf(r));
          if (r.mac == null || r.mac.length !== expected.length || !timingSafeEqual(Buffer.from(r.mac), Buffer.from(expected))) {
            return broken(
              ChainBreaks.BAD_MAC,
              r.seq,
              `entry ${r.seq} (not yet sealed) does not carry the audit key's MAC of its content: it was not written by the service`,
            );
          }
          firstUnsealed ??= r.seq;
          unsealed++;
          continue;
        }
        if (firstUnsealed !== null) {
          return broken(
            ChainBreaks.INSERTED,
            firstUnsealed,
            `entry ${firstUnsealed} is not part of the chain: it has no seal, yet entry ${r.seq} after it is sealed`,
          );
        }
        const row = r as StoredAuditRow & { hash: string; prev_hash: string };
        if (auditHash(row.prev_hash, hashInputOf(row)) !== row.hash) {
          return broken(ChainBreaks.HASH_MISMATCH, r.seq, `entry ${r.seq} does not match its hash: it was changed after it was written`);
        }
        if (row.prev_hash !== expectedPrev) {
          const linked = recent.findIndex((x) => x.hash === row.prev_hash);
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
        if (!sealed(row)) {
          return broken(
            ChainBreaks.BAD_MAC,
            r.seq,
            `entry ${r.seq} does not carry the audit key's MAC: it was written or rewritten by someone without the key, not by the service`,
          );
        }
        expectedPrev = row.hash;
        if (anchor && Number(r.seq) === anchor.seq) anchorHash = row.hash;
        count++;
        lastSealed = r.seq;
        recent.push({ seq: r.seq, hash: row.hash });
        // the last RECENT_LINKS entries, trimmed in blocks so that each entry costs O(1)
        if (recent.length > 2 * RECENT_LINKS) recent = recent.slice(-RECENT_LINKS);
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
    return { ok: true, count, lastSeq: lastSealed === null ? null : Number(lastSealed), lastHash: expectedPrev, unsealed };
  }
}
