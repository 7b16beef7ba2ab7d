import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { QueuePort } from '../queue/queue.port';
import { CallsService } from './calls.service';

export const CALLS_QUEUE = 'calls';
export const CLOSE_DUE_EVERY_MS = 60_000;

/** A repeatable job that closes calls whose closing time has passed: one schedule, however many workers add it. */
@Injectable()
export class CallScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('CallScheduler');

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
  }
}
