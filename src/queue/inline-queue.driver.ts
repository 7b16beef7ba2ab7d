import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { FailedJobListener, FINISHED_KEPT, JobHandler, JobOptions, QueueDepth, QueueJob, QueuePort, RepeatOptions } from './queue.port';

interface Pending {
  job: QueueJob;
  backoffMs: number;
  runAt: number;
}

/** In-process queue for the embedded default: same semantics as the Bull driver, nothing survives a restart. */
export class InlineQueueDriver extends QueuePort {
  readonly driverName = 'inline' as const;
  private readonly logger = new Logger('InlineQueue');
  private readonly handlers = new Map<string, { fn: JobHandler; concurrency: number; running: number }>();
  private readonly waiting = new Map<string, Pending[]>();
  /** Ids of jobs waiting, delayed or running: a second add of one of these is the same job. */
  private readonly liveIds = new Map<string, Set<string>>();
  /** Ids of finished jobs, as many as Bull keeps: enough to dedupe a late second add, bounded however long we run. */
  private readonly finishedIds = new Map<string, { completed: RecentIds; failed: RecentIds }>();
  private readonly failedListeners = new Map<string, FailedJobListener[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly repeats = new Map<string, NodeJS.Timeout>();
  private idle = new Map<string, Array<() => void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  /**
   * @param closeTimeoutMs how long close() waits for running jobs. A job still running then (an SMTP server that
   * stopped answering) is abandoned: its outbox row stays 'queued' or 'sending' and the next start picks it up again.
   */
  constructor(
    private readonly consume: boolean,
    private readonly closeTimeoutMs = 10_000,
  ) {
    super();
  }

  async add<T>(queue: string, name: string, data: T, opts: JobOptions = {}): Promise<string> {
    if (this.closed) throw new Error('queue is closed');
    const id = opts.jobId ?? randomUUID();
    const live = this.live(queue);
    if (live.has(id)) return id;
    const finished = this.finished(queue);
    if (finished.completed.has(id) || finished.failed.has(id)) {
      if (!opts.replaceFinished) return id;
      finished.completed.delete(id);
      finished.failed.delete(id);
    }
    live.add(id);
    const pending: Pending = {
      job: { id, queue, name, data, attempt: 0, maxAttempts: Math.max(1, opts.attempts ?? 1) },
      backoffMs: opts.backoffMs ?? 1000,
      runAt: Date.now() + (opts.delayMs ?? 0),
    };
    this.enqueue(pending, opts.delayMs ?? 0);
    return id;
  }

  process<T>(queue: string, handler: JobHandler<T>, concurrency = 1): void {
    if (!this.consume) return;
    this.handlers.set(queue, { fn: handler as JobHandler, concurrency, running: 0 });
    this.pump(queue);
  }

  async addRepeatable<T>(queue: string, name: string, data: T, repeat: RepeatOptions): Promise<void> {
    if (!repeat.everyMs) throw new Error('the inline driver supports everyMs repeats only');
    if (this.repeats.has(repeat.key)) return;
    const timer = setInterval(() => {
      void this.add(queue, name, data, { jobId: `${repeat.key}:${Math.floor(Date.now() / repeat.everyMs!)}` });
    }, repeat.everyMs);
    timer.unref();
    this.repeats.set(repeat.key, timer);
  }

  async hasJob(queue: string, jobId: string): Promise<boolean> {
    const finished = this.finished(queue);
    return this.live(queue).has(jobId) || finished.completed.has(jobId) || finished.failed.has(jobId);
  }

  onFailed(queue: string, listener: FailedJobListener): void {
    const list = this.failedListeners.get(queue) ?? [];
    list.push(listener);
    this.failedListeners.set(queue, list);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('queue is closed');
  }

  async drain(queue: string, timeoutMs = 30000): Promise<void> {
    if (this.isIdle(queue)) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`queue ${queue} did not drain in ${timeoutMs} ms`)), timeoutMs);
      const list = this.idle.get(queue) ?? [];
      list.push(() => {
        clearTimeout(t);
        resolve();
      });
      this.idle.set(queue, list);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    for (const t of this.repeats.values()) clearInterval(t);
    this.timers.clear();
    this.repeats.clear();
    // jobs already running finish before the database and the mail transport go away, within a bound
    if (!this.inFlight.size) return;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.allSettled([...this.inFlight]).then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), this.closeTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (!finished)
      this.logger.warn(
        `closed with ${this.inFlight.size} job(s) still running after ${this.closeTimeoutMs} ms; their work is picked up again at the next start`,
      );
  }

  async depths(): Promise<QueueDepth[]> {
    const now = Date.now();
    const names = new Set([...this.waiting.keys(), ...this.handlers.keys()]);
    return [...names].map((queue) => {
      const list = this.waiting.get(queue) ?? [];
      const delayed = list.filter((p) => p.runAt > now).length;
      return {
        queue,
        waiting: list.length - delayed,
        active: this.handlers.get(queue)?.running ?? 0,
        delayed,
        failed: this.finishedIds.get(queue)?.failed.size ?? 0,
      };
    });
  }

  private isIdle(queue: string) {
    const h = this.handlers.get(queue);
    return (this.waiting.get(queue)?.length ?? 0) === 0 && (!h || h.running === 0) && ![...this.timers].length;
  }

  private enqueue(p: Pending, delayMs: number) {
    if (this.closed) return;
    if (delayMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.enqueue(p, 0);
        this.settle(p.job.queue);
      }, delayMs);
      this.timers.add(t);
      return;
    }
    const list = this.waiting.get(p.job.queue) ?? [];
    list.push(p);
    this.waiting.set(p.job.queue, list);
    setImmediate(() => this.pump(p.job.queue));
  }

  private pump(queue: string) {
    const h = this.handlers.get(queue);
    const list = this.waiting.get(queue);
    if (!h || !list || this.closed) return;
    while (h.running < h.concurrency && list.length) {
      const p = list.shift()!;
      h.running++;
      p.job.attempt++;
      const run: Promise<void> = h
        .fn(p.job)
        .then(() => this.finish(p.job, 'completed'))
        .catch(async (err: Error) => {
          const willRetry = p.job.attempt < p.job.maxAttempts;
          for (const l of this.failedListeners.get(queue) ?? []) {
            try {
              await l(p.job, err, willRetry);
            } catch (e) {
              this.logger.error(e);
            }
          }
          if (willRetry) this.enqueue(p, p.backoffMs * 2 ** (p.job.attempt - 1));
          else this.finish(p.job, 'failed');
        })
        .finally(() => {
          h.running--;
          this.inFlight.delete(run);
          this.pump(queue);
          this.settle(queue);
        });
      this.inFlight.add(run);
    }
  }

  private live(queue: string): Set<string> {
    let ids = this.liveIds.get(queue);
    if (!ids) this.liveIds.set(queue, (ids = new Set()));
    return ids;
  }

  private finished(queue: string) {
    let ids = this.finishedIds.get(queue);
    if (!ids)
      this.finishedIds.set(
        queue,
        (ids = { completed: new RecentIds(FINISHED_KEPT.completed), failed: new RecentIds(FINISHED_KEPT.failed) }),
      );
    return ids;
  }

  private finish(job: QueueJob, how: 'completed' | 'failed') {
    this.live(job.queue).delete(job.id);
    this.finished(job.queue)[how].add(job.id);
  }

  private settle(queue: string) {
    if (!this.isIdle(queue)) return;
    const list = this.idle.get(queue) ?? [];
    this.idle.delete(queue);
    list.forEach((f) => f());
  }
}

/** A set that forgets its oldest entries beyond `limit`. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly limit: number) {}

  has(id: string) {
    return this.ids.has(id);
  }

  add(id: string) {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value!);
  }

  delete(id: string) {
    this.ids.delete(id);
  }

  get size() {
    return this.ids.size;
  }
}
