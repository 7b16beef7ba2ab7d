import { Global, Module } from '@nestjs/common';
import { BuiltInEvents } from './built-in-events';
import { MyNotificationsController, NotificationsController } from './notifications.controller';
import { NotificationOperations } from './notification-operations.service';
import { NotificationScheduler } from './notification.scheduler';
import { NotificationService } from './notification.service';
import { NotificationWorker } from './notification.worker';
import { OutboxRelay } from './outbox-relay';
import { ReminderRegistry } from './reminders';

@Global()
@Module({
  controllers: [NotificationsController, MyNotificationsController],
  providers: [
    NotificationService,
    OutboxRelay,
    NotificationWorker,
    NotificationScheduler,
    ReminderRegistry,
    BuiltInEvents,
    NotificationOperations,
  ],
  exports: [NotificationService, ReminderRegistry],
})
export class NotificationsModule {}
