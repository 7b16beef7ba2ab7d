import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { QueuePort } from '../queue/queue.port';
import { CallsService } from './calls.service';

export const CALLS_QUEUE = 'calls';
export const CLOSE_DUE_EVERY_MS = 60_000;

/**
 * A repeatable job that closes calls whose closing time has passed: one schedule, however many workers add it. Behind
 * it, each worker also closes due calls itself every SCHEDULE_CHECK_INTERVAL_MS, so a call closes on time even while
 * the job is late or its schedule was lost with Redis' data (the driver registers lost schedules again, but the next
 * run of a re-registered one may be a whole interval away). Closing is idempotent (row locks, SKIP LOCKED).
 */
@Injectable()
export class CallScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CallScheduler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly calls: CallsService,
    private readonly queue: QueuePort,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.runWorker) return;
    this.queue.process(CALLS_QUEUE, async () => {
      const closed = await this.calls.closeDue();
      if (closed.length) this.logger.log(`closed ${closed.length} call(s) whose closing time has passed`);
    });
    // not awaited: with Redis down at start the schedule is registered when it comes back, and start-up goes on
    this.queue
      .addRepeatable(CALLS_QUEUE, 'close-due', {}, { key: 'calls.close-due', everyMs: CLOSE_DUE_EVERY_MS })
      .catch((e: Error) => this.logger.error(`could not schedule closing of due calls: ${e.message}`));
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.calls
        .closeDue()
        .then((closed) => closed.length && this.logger.log(`closed ${closed.length} call(s) past their closing time (backstop)`))
        .catch((e: Error) => this.logger.warn(`could not close due calls: ${e.message}`))
        .finally(() => (this.running = undefined));
    }, this.config.scheduleCheckIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy() {
    clearInterval(this.timer);
    await this.running;
  }
}
