import { Clock } from '../common/clock';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { QueuePort } from '../queue/queue.port';
import { deleteEndedBatch } from './identity.queries';

export const IDENTITY_MAINTENANCE_QUEUE = 'identity-maintenance';
export const PURGE_JOB = 'purge';
export const PURGE_SCHEDULE_KEY = 'identity.purge';
const DAY_MS = 24 * 3600_000;
export const PURGE_EVERY_MS = DAY_MS;

/**
 * How long an ended login session (expired, or revoked by logout, reuse, deactivation or password change) is kept.
 * It no longer lets anyone in; the rows (when, from which address, how many refreshes) only help to look into an
 * incident such as a reported refresh-token reuse, which happens within days. The audit trail keeps the lasting
 * record of every sign-in, logout and reuse. Its refresh tokens (one per refresh) go with it by cascade.
 */
export const SESSION_RETENTION_DAYS = 30;

/**
 * How long an expired or revoked API token is kept. Owners still see it in their token list, so they can tell why a
 * script stopped working and which token to replace; after a quarter it is only clutter. Its creation and revocation
 * stay in the audit trail (audit_event.actor_token_id is not a foreign key, so those rows are untouched).
 */
export const API_TOKEN_RETENTION_DAYS = 90;

/** Rows per DELETE: the first run after a long time (or ever) removes a backlog in short transactions. */
const BATCH = 1000;

/**
 * Daily removal of login sessions and API tokens that ended long ago; failed_login is pruned by LoginThrottle.
 * Safe when two workers run it at once: each batch locks its rows and skips rows another run holds, so a row is
 * deleted (and counted) once.
 */
@Injectable()
export class IdentityHousekeeping implements OnApplicationBootstrap {
  private readonly logger = new Logger('IdentityHousekeeping');

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: QueuePort,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.runWorker) return;
    this.queue.process(IDENTITY_MAINTENANCE_QUEUE, async () => {
      await this.purge();
    });
    // not awaited: with Redis down at start the schedule is registered when it comes back, and start-up goes on
    this.queue
      .addRepeatable(IDENTITY_MAINTENANCE_QUEUE, PURGE_JOB, {}, { key: PURGE_SCHEDULE_KEY, everyMs: PURGE_EVERY_MS })
      .catch((e: Error) => this.logger.error(`could not schedule ${PURGE_JOB}: ${e.message}`));
  }

  /** Deletes sessions ended more than SESSION_RETENTION_DAYS and API tokens ended more than API_TOKEN_RETENTION_DAYS before `now`. */
  async purge(now = this.clock.now()): Promise<{ sessions: number; apiTokens: number }> {
    const sessions = await this.deleteEnded('auth_session', SESSION_RETENTION_DAYS, now);
    const apiTokens = await this.deleteEnded('api_token', API_TOKEN_RETENTION_DAYS, now);
    this.logger.log(
      `purged ${sessions} login session(s) ended over ${SESSION_RETENTION_DAYS} days ago and ${apiTokens} API token(s) ended over ${API_TOKEN_RETENTION_DAYS} days ago`,
    );
    return { sessions, apiTokens };
  }

  /** A row has ended when it expired or was revoked, whichever came first. */
  private async deleteEnded(table: 'auth_session' | 'api_token', retentionDays: number, now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
    let total = 0;
    for (;;) {
      const n = await deleteEndedBatch(this.dataSource.manager, table, cutoff, BATCH);
      total += n;
      if (n < BATCH) return total;
    }
  }
}
