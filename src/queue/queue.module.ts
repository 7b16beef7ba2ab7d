import { BeforeApplicationShutdown, Global, Inject, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BullQueueDriver } from './bull-queue.driver';
import { InlineQueueDriver } from './inline-queue.driver';
import { QueuePort } from './queue.port';

@Global()
@Module({
  providers: [
    {
      provide: QueuePort,
      inject: [AppConfig],
      useFactory: (config: AppConfig): QueuePort =>
        config.redisUrl
          ? new BullQueueDriver(config.redisUrl, config.queuePrefix, config.runWorker, config.scheduleCheckIntervalMs)
          : new InlineQueueDriver(config.runWorker),
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
