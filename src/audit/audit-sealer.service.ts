import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { auditHash, auditMac, entryMac, GENESIS_HASH, hashInputOf } from './audit-chain';
import {
  lastAuditSeqTaken,
  lockAuditSealer,
  runningTransactions,
  sealAuditEvents,
  sealedHead,
  stillRunning,
  unsealedPage,
} from './audit.queries';

const PAGE = 2000;
/** How long a pass waits for the writers that hold sequence numbers up to its horizon to commit or roll back. */
const SETTLE_TIMEOUT_MS = 10_000;
/** The nudge after a write: a few milliseconds, so one pass seals the entries of many concurrent writers. */
const KICK_DELAY_MS = 5;

function sameMac(a: string | null | undefined, b: string): boolean {
  if (!a || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Links committed audit entries into the hash chain, in sequence order, off the writers' path. A pass reads the highest
 * sequence number handed out, then the transactions running; once those have ended (a writer takes its transaction id
 * before its sequence number, so every entry up to that number is then committed or rolled back for good) it seals the
 * entries after the chain's head up to that number, under a lock only sealers take. Passes run a few milliseconds
 * after each audited write and, in a worker, every AUDIT_SEAL_INTERVAL_MS as a backstop (entries written by a process
 * that stopped before sealing them).
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditSealer');
  private running: Promise<number> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private interval: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.runWorker) return;
    this.interval = setInterval(() => this.kick(0), this.config.auditSealIntervalMs);
    this.interval.unref();
    this.kick(0);
  }

  async onApplicationShutdown() {
    this.closed = true;
    clearInterval(this.interval);
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Asks for a pass soon; many asks while one is due or running make one more pass, not many. */
  kick(delayMs = KICK_DELAY_MS): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sealPending().catch((e: Error) => {
        if (!this.closed) this.logger.warn(`sealing the audit chain failed (the next pass retries): ${e.message}`);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Seals every entry committed before the call; resolves with the number sealed by the pass it joined or ran. */
  sealPending(): Promise<number> {
    if (this.running) {
      // the running pass may have read its horizon before the caller's entries: run one more after it
      return this.running.then(
        () => this.sealPending(),
        () => this.sealPending(),
      );
    }
    this.again = false;
    const pass = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) this.kick();
    });
    this.running = pass;
    return pass;
  }

  private async pass(): Promise<number> {
    const m = this.dataSource.manager;
    const upTo = await lastAuditSeqTaken(m);
    const snapshot = await runningTransactions(m);
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (let wait = 1; (await stillRunning(m, snapshot)) > 0; wait = Math.min(wait * 2, 50)) {
      if (this.closed || Date.now() > deadline) return 0; // a long transaction holds an entry: the next pass tries again
      await new Promise((r) => setTimeout(r, wait));
    }
    const key = this.config.auditHmacKey;
    let sealed = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (tx) => {
        await lockAuditSealer(tx);
        const head = await sealedHead(tx);
        const rows = await unsealedPage(tx, head?.seq ?? '0', upTo, PAGE);
        let prevHash = head?.hash ?? GENESIS_HASH;
        const seals = rows.map((r) => {
          const input = hashInputOf(r);
          const hash = auditHash(prevHash, input);
          // an entry the service did not write (no valid content MAC) is linked without a MAC: verification reports it
          const mac = sameMac(r.mac, entryMac(key, input)) ? auditMac(key, hash) : null;
          const seal = { seq: r.seq, prevHash, hash, mac };
          prevHash = hash;
          return seal;
        });
        if (seals.length) await sealAuditEvents(tx, seals);
        return seals.length;
      });
      sealed += n;
      if (n < PAGE || this.closed) break;
    }
    return sealed;
  }
}
