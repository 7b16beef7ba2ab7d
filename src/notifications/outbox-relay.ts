import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { QueuePort } from '../queue/queue.port';
import { enqueuePrepare, enqueueSend, MAIL_QUEUE, PREPARE_QUEUE } from './notification.jobs';
import { markHandedOver, pickForRelay, putBack, rowsOnTheirWay } from './queries';

const BATCH = 200;
/**
 * A row still queued, rendered or sending after this long lost its job (an in-process queue that restarted,
 * a worker that died mid-send): it is handed to the queue again. Far above an SMTP timeout.
 */
export const STALE_AFTER_SECONDS = 600;
const COMMITTED = 'notifications:relay-after-commit';
/**
 * A row queued (or rendered) this long ago whose job the queue no longer knows lost it with Redis' data (a flush,
 * or a restart without persistence): it is handed over again at once, not after STALE_AFTER_SECONDS. Rows per run.
 */
export const LOST_JOB_CHECK_SECONDS = 30;
const LOST_JOB_BATCH = 100;

/**
 * Moves outbox rows to the queue once their transaction has committed: right after the commit (a nudge),
 * and on a timer in worker processes, which is what delivers rows left pending while Redis was unreachable.
 * SKIP LOCKED lets any number of relays run side by side without handing a row over twice.
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('OutboxRelay');
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  /**
   * An in-process queue on the embedded database: no other process can share that database, so every row left on
   * its way before this process started lost its job in the restart. Those are re-picked now, not after STALE_AFTER_SECONDS.
   */
  private readonly orphanedBefore: Date | null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: QueuePort,
    private readonly config: AppConfig,
  ) {
    this.orphanedBefore = queue.driverName === 'inline' && config.embeddedDatabase ? new Date() : null;
  }

  onModuleInit() {
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: (e: TransactionCommitEvent) => {
        // a released savepoint is not the commit: wait for the outermost transaction
        if (!e.queryRunner.data?.[COMMITTED] || e.queryRunner.isTransactionActive) return;
        delete e.queryRunner.data[COMMITTED];
        // not awaited: the committing transaction still holds its connection (PGlite's only one) until released
        setImmediate(() => this.nudge());
      },
      afterTransactionRollback: (e: TransactionRollbackEvent) => {
        if (!e.queryRunner.isTransactionActive) delete e.queryRunner.data?.[COMMITTED];
      },
    };
    this.dataSource.subscribers.push(subscriber);
  }

  onApplicationBootstrap() {
    if (!this.config.runWorker) return;
    this.timer = setInterval(() => this.nudge(), this.config.notifyRelayIntervalMs);
    this.timer.unref();
    this.nudge();
  }

  async onModuleDestroy() {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Call after writing outbox rows through `manager`: relays once the surrounding transaction commits. */
  afterCommit(manager: EntityManager): void {
    const qr = manager.queryRunner;
    if (qr?.isTransactionActive) qr.data = { ...qr.data, [COMMITTED]: true };
    else this.nudge();
  }

  /** Runs the relay soon; calls while it runs coalesce into one more run. */
  nudge(): void {
    // an in-process queue in an API-only process has no consumer: leave the rows for a worker
    if (this.stopped || (this.queue.driverName === 'inline' && !this.config.runWorker)) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.nudge();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.relayBatch()) === BATCH);
      if (!this.stopped && this.config.runWorker) await this.recoverLostJobs();
    } catch (e) {
      this.logger.warn(`outbox rows stay pending until the queue is reachable: ${(e as Error).message}`);
    }
  }

  /**
   * Rows on their way (queued, rendered) for a while whose job the queue does not know: Redis lost it. They are
   * handed over again now; a row whose job still waits (a long queue) is left alone. Returns how many were.
   */
  async recoverLostJobs(): Promise<number> {
    const rows = await rowsOnTheirWay(this.dataSource.manager, LOST_JOB_CHECK_SECONDS, LOST_JOB_BATCH);
    let recovered = 0;
    for (const r of rows) {
      const job = { id: r.id, generation: r.generation };
      const [queue, jobId] =
        r.status === 'queued' ? [PREPARE_QUEUE, `prepare-${r.id}-${r.generation}`] : [MAIL_QUEUE, `send-${r.id}-${r.generation}`];
      if (await this.queue.hasJob(queue, jobId)) continue;
      if (r.status === 'queued') await enqueuePrepare(this.queue, this.config, job, true);
      else await enqueueSend(this.queue, this.config, job, true);
      recovered++;
    }
    if (recovered) this.logger.warn(`${recovered} notification(s) had lost their queue job (Redis data lost?): handed over again`);
    return recovered;
  }

  /** Hands one batch to the queue; returns how many rows were handed over. Throws (after putting the rest back) when the queue refuses one. */
  async relayBatch(): Promise<number> {
    // First commit the state each job expects, then add the jobs. A job that started before that commit would not
    // wait for it: its `WHERE status = 'rendered'` is checked against the committed row and silently matches nothing.
    // A stale `sending` row is a claim whose worker is gone: released for the new send job.
    const rows = await this.dataSource.transaction(async (m) => {
      const picked = await pickForRelay(m, { staleAfterSeconds: STALE_AFTER_SECONDS, limit: BATCH, orphanedBefore: this.orphanedBefore });
      if (picked.length)
        await markHandedOver(
          m,
          picked.map((r) => r.id),
        );
      return picked;
    });
    let moved = 0;
    let error: Error | undefined;
    for (const r of rows) {
      try {
        const job = { id: r.id, generation: r.generation };
        // a stale row's job may have finished without finishing the row: that job is replaced, not deduplicated
        if (r.status === 'pending' || r.status === 'queued') await enqueuePrepare(this.queue, this.config, job, r.stale);
        else await enqueueSend(this.queue, this.config, job, r.stale);
        moved++;
      } catch (e) {
        error = e as Error;
        break;
      }
    }
    const notHanded = rows.slice(moved);
    if (notHanded.length) {
      // put back as they were for the next run (a crash before this leaves them to the stale sweep)
      await putBack(
        this.dataSource.manager,
        notHanded.map((r) => ({ id: r.id, status: r.status, updated_at: r.updated_at })),
      );
    }
    if (error) throw error;
    return moved;
  }
}
