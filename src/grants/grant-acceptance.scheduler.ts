import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { QueuePort } from '../queue/queue.port';
import { GrantAcceptanceService } from './grant-acceptance.service';

export const GRANTS_QUEUE = 'grants';
export const LAPSE_DUE_EVERY_MS = 60_000;

/**
 * A repeatable job that lets grants lapse whose acceptance deadline has passed: one schedule, however many workers add
 * it. Behind it, as for closing calls (call.scheduler.ts), each worker also sweeps every SCHEDULE_CHECK_INTERVAL_MS, so
 * a grant lapses on time even while the job is late or its schedule was lost with Redis' data. The sweep is
 * idempotent (row locks, SKIP LOCKED).
 */
@Injectable()
export class GrantAcceptanceScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('GrantAcceptanceScheduler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly acceptance: GrantAcceptanceService,
    private readonly queue: QueuePort,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.runWorker) return;
    this.queue.process(GRANTS_QUEUE, async () => {
      const lapsed = await this.acceptance.lapseDue();
      if (lapsed.length) this.logger.log(`${lapsed.length} grant(s) lapsed: not accepted by their deadline`);
    });
    // not awaited: with Redis down at start the schedule is registered when it comes back, and start-up goes on
    this.queue
      .addRepeatable(GRANTS_QUEUE, 'lapse-due', {}, { key: 'grants.lapse-due', everyMs: LAPSE_DUE_EVERY_MS })
      .catch((e: Error) => this.logger.error(`could not schedule the lapse of unaccepted grants: ${e.message}`));
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.acceptance
        .lapseDue()
        .then((lapsed) => lapsed.length && this.logger.log(`${lapsed.length} grant(s) lapsed past their deadline (backstop)`))
        .catch((e: Error) => this.logger.warn(`could not let unaccepted grants lapse: ${e.message}`))
        .finally(() => (this.running = undefined));
    }, this.config.scheduleCheckIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy() {
    clearInterval(this.timer);
    await this.running;
  }
}
