/** How many finished jobs a driver keeps, and so how long their ids dedupe a second add (Bull's removeOnComplete/removeOnFail). */
export const FINISHED_KEPT = { completed: 1000, failed: 5000 } as const;

export interface JobOptions {
  /**
   * Same id twice = one job (Bull ignores the second add; the inline driver does too), also after it finished, for as
   * long as the finished job is kept (FINISHED_KEPT).
   */
  jobId?: string;
  /**
   * With jobId: if the job with that id has already finished, replace it with a new run instead of ignoring the add.
   * One still waiting, delayed or running is left alone. For work whose job finished without doing it (a worker that
   * died mid-job): re-adding under the old id would otherwise be a no-op for as long as the id is remembered.
   */
  replaceFinished?: boolean;
  attempts?: number;
  /** First retry delay; doubles on each attempt. */
  backoffMs?: number;
  delayMs?: number;
}

export interface QueueJob<T = unknown> {
  id: string;
  queue: string;
  name: string;
  data: T;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

export type JobHandler<T = unknown> = (job: QueueJob<T>) => Promise<void>;

export interface RepeatOptions {
  /** Stable key: every process that schedules the same key gets one schedule, not one each. */
  key: string;
  everyMs?: number;
  cron?: string;
  tz?: string;
}

export interface QueueDepth {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface FailedJobListener {
  (job: QueueJob, error: Error, willRetry: boolean): void | Promise<void>;
}

/**
 * The one queue interface domain code sees. Drivers: Bull on Redis (production) and in-process (embedded).
 * Handlers must be idempotent: a job can run more than once (retries, a crash between work and ack).
 */
export abstract class QueuePort {
  abstract readonly driverName: 'bull' | 'inline';
  abstract add<T>(queue: string, name: string, data: T, opts?: JobOptions): Promise<string>;
  /** Registers the handler for all jobs of a queue. A no-op in an API-only process (PROCESS_ROLE=api). */
  abstract process<T>(queue: string, handler: JobHandler<T>, concurrency?: number): void;
  /**
   * A schedule that holds for the life of the process: a driver whose store can lose it (Redis flushed or restarted
   * without persistence) registers it again when it finds it missing (on reconnect and on a periodic check).
   */
  abstract addRepeatable<T>(queue: string, name: string, data: T, repeat: RepeatOptions): Promise<void>;
  /**
   * Whether a job with this id is known to the queue (waiting, delayed, running, or finished and still kept).
   * False when it was never added or the store lost it.
   */
  abstract hasJob(queue: string, jobId: string): Promise<boolean>;
  abstract onFailed(queue: string, listener: FailedJobListener): void;
  /** Throws when the backing store cannot be reached (used by /health/ready). */
  abstract ping(): Promise<void>;
  /** Jobs per state of each queue this process has used (for /metrics); throws when the store cannot be reached. */
  abstract depths(): Promise<QueueDepth[]>;
  /** Waits until queued and running jobs are done (tests and graceful shutdown). */
  abstract drain(queue: string, timeoutMs?: number): Promise<void>;
  abstract close(): Promise<void>;
}
