import { AppConfig } from '../config/app-config';
import { QueuePort } from '../queue/queue.port';

/** Stage 1: re-read, decide, render. Stage 2: send one mail. Scheduled scans (reminders, digests). */
export const PREPARE_QUEUE = 'notifications';
export const MAIL_QUEUE = 'mail';
export const SCHEDULE_QUEUE = 'notification-schedule';

export interface NotificationJob {
  id: string;
  generation: number;
}

/** Stage-1 failures are database trouble, not SMTP: a few quick retries, then the relay's stale sweep. */
const PREPARE_ATTEMPTS = 5;

/**
 * Job ids derive from the row and its retry generation, so adding the same job twice (relay run twice,
 * a replay after Redis came back) is one job in Bull and in the inline driver.
 * `resume`: the row was left half-way and its job may have finished without finishing the row (a worker died
 * mid-job): a finished job under this id is replaced, one still waiting or running is left to do the work.
 */
export function enqueuePrepare(queue: QueuePort, config: AppConfig, job: NotificationJob, resume = false): Promise<string> {
  return queue.add(PREPARE_QUEUE, 'prepare', job, {
    jobId: `prepare-${job.id}-${job.generation}`,
    attempts: PREPARE_ATTEMPTS,
    backoffMs: config.notifyBackoffMs,
    replaceFinished: resume,
  });
}

/** Attempts are counted on the row (its `attempts`), so a replaced job does not start a fresh count. */
export function enqueueSend(queue: QueuePort, config: AppConfig, job: NotificationJob, resume = false): Promise<string> {
  return queue.add(MAIL_QUEUE, 'send', job, {
    jobId: `send-${job.id}-${job.generation}`,
    attempts: config.notifyMaxAttempts,
    backoffMs: config.notifyBackoffMs,
    replaceFinished: resume,
  });
}
