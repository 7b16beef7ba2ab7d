import { BeforeApplicationShutdown, Global, Inject, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { InlineQueueDriver } from './inline-queue.driver';
import { QueuePort } from './queue.port';

@Global()
@Module({
  providers: [
    {
      provide: QueuePort,
      inject: [AppConfig],
      useFactory: (config: AppConfig): QueuePort => {
        if (!config.redisUrl) return new InlineQueueDriver(config.runWorker);
        // loaded only with Redis: Bull and ioredis are a fifth of a second of start-up that the embedded mode never uses
        const { BullQueueDriver } = require('./bull-queue.driver') as typeof import('./bull-queue.driver');
        return new BullQueueDriver(config.redisUrl, config.queuePrefix, config.runWorker, config.scheduleCheckIntervalMs);
      },
    },
  ],
  exports: [QueuePort],
})
export class QueueModule implements BeforeApplicationShutdown {
  constructor(@Inject(QueuePort) private readonly queue: QueuePort) {}

  /** Before the database closes (onApplicationShutdown), so jobs still running can finish their work. */
  async beforeApplicationShutdown() {
    await this.queue.close();
  }
}
