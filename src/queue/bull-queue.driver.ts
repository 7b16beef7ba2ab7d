import { Logger } from '@nestjs/common';
import Bull from 'bull';
import { randomUUID } from 'node:crypto';
import { FailedJobListener, FINISHED_KEPT, JobHandler, JobOptions, QueueJob, QueuePort, RepeatOptions, QueueDepth } from './queue.port';

/** Bull on Redis: jobs survive restarts, several worker processes share the work, repeatable jobs fire once. */
export class BullQueueDriver extends QueuePort {
  readonly driverName = 'bull' as const;
  private readonly logger = new Logger('BullQueue');
  private readonly queues = new Map<string, Bull.Queue>();
  /** Queues whose Redis connection has been ready once: after that, not ready means the connection was lost. */
  private readonly connected = new Set<string>();
  private closed = false;
  /** Every schedule this process registered, to register again when Redis has lost it. */
  private readonly schedules = new Map<string, { queue: string; name: string; data: unknown; repeat: RepeatOptions }>();
  private scheduleTimer?: NodeJS.Timeout;
  private checking?: Promise<void>;

  /**
   * @param scheduleCheckMs how often the schedules are checked and registered again if missing (they also are
   * whenever a connection to Redis is ready again)
   */
  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly consume: boolean,
    private readonly scheduleCheckMs = 30_000,
  ) {
    super();
  }

  private queue(name: string): Bull.Queue {
    // work finishing during shutdown must not open fresh connections that keep the process alive
    if (this.closed) throw new Error('queue is closed');
    let q = this.queues.get(name);
    if (!q) {
      q = new Bull(name, this.redisUrl, {
        prefix: this.prefix,
        settings: { stalledInterval: 30000, maxStalledCount: 2 },
      });
      q.on('error', (err) => this.logger.warn(`queue ${name}: ${err.message}`));
      const client = q.client;
      if (client.status === 'ready') this.connected.add(name);
      // 'ready' again after a reconnect: Redis may have come back empty (restarted without persistence)
      client.on('ready', () => {
        const again = this.connected.has(name);
        this.connected.add(name);
        if (again) void this.ensureSchedules();
      });
      this.queues.set(name, q);
    }
    return q;
  }

  async add<T>(queue: string, name: string, data: T, opts: JobOptions = {}): Promise<string> {
    const q = this.queue(queue);
    // ioredis would hold the command until Redis is back; the caller (the outbox relay) should rather know now
    if (!this.connected.has(queue)) await firstConnection(q.client);
    if (unreachable(q.client.status, this.connected.has(queue))) throw new Error(`queue ${queue}: Redis is unreachable`);
    const job = await withTimeout(
      (async () => {
        if (opts.replaceFinished && opts.jobId) await removeIfFinished(q, opts.jobId);
        return q.add(name, data, {
          jobId: opts.jobId ?? randomUUID(),
          attempts: Math.max(1, opts.attempts ?? 1),
          backoff: { type: 'exponential', delay: opts.backoffMs ?? 1000 },
          delay: opts.delayMs,
          removeOnComplete: FINISHED_KEPT.completed,
          removeOnFail: FINISHED_KEPT.failed,
        });
      })(),
      5000,
      `queue ${queue} did not accept the job (is Redis reachable?)`,
    );
    return String(job.id);
  }

  process<T>(queue: string, handler: JobHandler<T>, concurrency = 1): void {
    if (!this.consume) return;
    void this.queue(queue).process('*', concurrency, async (job: Bull.Job) => {
      await handler(toJob<T>(queue, job));
    });
  }

  async addRepeatable<T>(queue: string, name: string, data: T, repeat: RepeatOptions): Promise<void> {
    // remembered first: one that cannot be added now (Redis down at start) is added by the next check
    this.schedules.set(`${queue}\u0000${repeat.key}`, { queue, name, data, repeat });
    if (!this.scheduleTimer && !this.closed) {
      this.scheduleTimer = setInterval(() => void this.ensureSchedules(), this.scheduleCheckMs);
      this.scheduleTimer.unref();
    }
    await this.registerSchedule(queue, name, data, repeat);
  }

  private async registerSchedule(queue: string, name: string, data: unknown, repeat: RepeatOptions): Promise<void> {
    const q = this.queue(queue);
    // Bull keys the schedule by (name, jobId, repeat rule): every process adding it shares one schedule
    await q.add(name, data, { repeat: repeatRule(repeat), jobId: repeat.key, removeOnComplete: 100, removeOnFail: 100 });
  }

  /**
   * Registers again every schedule of this process that Redis no longer has (its data lost in a restart or a flush):
   * without this a lost schedule stays lost until the process restarts. One check at a time; failures wait for the next.
   */
  async ensureSchedules(): Promise<void> {
    if (this.checking || this.closed || !this.schedules.size) return this.checking;
    this.checking = (async () => {
      const byQueue = new Map<string, Array<{ queue: string; name: string; data: unknown; repeat: RepeatOptions }>>();
      for (const s of this.schedules.values()) byQueue.set(s.queue, [...(byQueue.get(s.queue) ?? []), s]);
      for (const [queue, wanted] of byQueue) {
        try {
          const q = this.queue(queue);
          if (unreachable(q.client.status, this.connected.has(queue))) continue;
          const present = await withTimeout(q.getRepeatableJobs(), 5000, 'Redis did not answer');
          for (const s of wanted) {
            if (present.some((p) => p.name === s.name && p.id === s.repeat.key)) continue;
            await withTimeout(this.registerSchedule(queue, s.name, s.data, s.repeat), 5000, 'Redis did not accept the schedule');
            this.logger.warn(`schedule ${s.repeat.key} was missing from Redis (data lost?): registered again`);
          }
        } catch (e) {
          if (!this.closed) this.logger.warn(`could not check the schedules of queue ${queue}: ${(e as Error).message}`);
        }
      }
    })().finally(() => (this.checking = undefined));
    return this.checking;
  }

  async hasJob(queue: string, jobId: string): Promise<boolean> {
    const q = this.queue(queue);
    if (unreachable(q.client.status, this.connected.has(queue))) throw new Error(`queue ${queue}: Redis is unreachable`);
    const job = await withTimeout(q.getJob(jobId), 5000, 'Redis did not answer');
    if (!job) return false;
    // 'stuck': its data is there but it sits in no list, so nothing will ever run it
    return (await job.getState()) !== 'stuck';
  }

  onFailed(queue: string, listener: FailedJobListener): void {
    this.queue(queue).on('failed', (job: Bull.Job, err: Error) => {
      // by the time Bull emits 'failed' it has counted the failed attempt
      const j = { ...toJob(queue, job), attempt: job.attemptsMade };
      void listener(j, err, j.attempt < j.maxAttempts);
    });
  }

  async ping(): Promise<void> {
    const q = this.queue('health');
    await withTimeout(q.client.ping(), 2000, 'Redis did not answer');
  }

  async depths(): Promise<QueueDepth[]> {
    return Promise.all(
      [...this.queues.entries()]
        .filter(([name]) => name !== 'health')
        .map(async ([queue, q]) => {
          const c = await withTimeout(q.getJobCounts(), 2000, 'Redis did not answer');
          return { queue, waiting: c.waiting, active: c.active, delayed: c.delayed, failed: c.failed };
        }),
    );
  }

  async drain(queue: string, timeoutMs = 30000): Promise<void> {
    const q = this.queue(queue);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await q.getJobCounts();
      if (c.waiting + c.active + c.delayed === 0) return;
      if (Date.now() > deadline) throw new Error(`queue ${queue} did not drain in ${timeoutMs} ms: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.scheduleTimer);
    await this.checking?.catch(() => undefined);
    const queues = [...this.queues.values()];
    this.queues.clear();
    // with Redis unreachable Bull's close() waits for a connection that never comes; do not let shutdown hang
    await Promise.all(queues.map((q) => withTimeout(q.close(), 3000, 'close timed out').catch(() => undefined)));
    for (const q of queues) for (const c of q.clients) if (c.status !== 'end') c.disconnect();
  }
}

/**
 * A connection that is down now: between reconnect attempts ('close', 'reconnecting'), given up ('end'), or, once it
 * had been ready, anything but ready ('connecting' to a dead server). Only the very first connect is waited for.
 */
function unreachable(status: string, wasReady: boolean): boolean {
  return status === 'reconnecting' || status === 'close' || status === 'end' || (wasReady && status !== 'ready');
}

/** Waits (briefly) for the outcome of a new client's first connection attempt: ready, or refused. */
async function firstConnection(client: Bull.Queue['client']): Promise<void> {
  if (client.status === 'ready' || unreachable(client.status, false)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('close', done);
      client.off('end', done);
      resolve();
    };
    const timer = setTimeout(done, 5000);
    // not 'error': ioredis emits it while still 'connecting', and 'close' (status 'reconnecting') follows at once
    client.once('ready', done);
    client.once('close', done);
    client.once('end', done);
  });
}

function repeatRule(repeat: RepeatOptions) {
  return repeat.cron ? { cron: repeat.cron, tz: repeat.tz ?? 'Europe/Oslo' } : { every: repeat.everyMs! };
}

async function removeIfFinished(q: Bull.Queue, jobId: string): Promise<void> {
  const job = await q.getJob(jobId);
  if (!job) return;
  // 'stuck': the job's data is there but it sits in no list, so nothing will ever run it
  const state = await job.getState();
  if (state === 'completed' || state === 'failed' || state === 'stuck') await job.remove();
}

function toJob<T>(queue: string, job: Bull.Job): QueueJob<T> {
  return {
    id: String(job.id),
    queue,
    name: job.name,
    data: job.data as T,
    attempt: job.attemptsMade + 1,
    maxAttempts: job.opts.attempts ?? 1,
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
