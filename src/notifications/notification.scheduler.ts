import { Clock } from '../common/clock';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { QueuePort } from '../queue/queue.port';
import { SCHEDULE_QUEUE } from './notification.jobs';
import { lockWaitingForDigest, markDigested } from './queries';
import { NotificationService } from './notification.service';
import { ReminderRegistry } from './reminders';

export const DEADLINE_REMINDER = 'deadline.reminder';
export const DIGEST = 'notifications.digest';
/** Digests go out from this hour (Oslo time), once a day per recipient. */
const DIGEST_HOUR = 7;
const HOUR_MS = 3600_000;

const OSLO_PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Oslo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
});

export function osloDayAndHour(now: Date): { day: string; hour: number } {
  const p = Object.fromEntries(OSLO_PARTS.formatToParts(now).map((x) => [x.type, x.value]));
  return { day: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) };
}

/**
 * Repeatable jobs: reminder scans and daily digests. Bull keeps one schedule per key however many workers add it;
 * the outbox's idempotency key makes a second fire (or the in-process scheduler of a second worker) send nothing new.
 */
@Injectable()
export class NotificationScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('NotificationScheduler');

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: QueuePort,
    private readonly config: AppConfig,
    private readonly notifications: NotificationService,
    private readonly reminders: ReminderRegistry,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.runWorker) return;
    this.queue.process(SCHEDULE_QUEUE, async (job) => {
      await (job.name === 'digest' ? this.sendDigests() : this.runReminders());
    });
    // not awaited: with Redis down at start the schedule is registered when it comes back, and start-up goes on
    for (const [name, key, everyMs] of [
      ['reminders', 'notifications.reminders', this.config.reminderIntervalMs],
      ['digest', 'notifications.digest', HOUR_MS],
    ] as const) {
      this.queue
        .addRepeatable(SCHEDULE_QUEUE, name, {}, { key, everyMs })
        .catch((e: Error) => this.logger.error(`could not schedule ${name}: ${e.message}`));
    }
  }

  /** Runs every registered reminder scan and records what is due in the outbox. */
  async runReminders(now = this.clock.now()): Promise<number> {
    let recorded = 0;
    const failures: string[] = [];
    for (const [name, source] of this.reminders.entries()) {
      try {
        recorded += await this.dataSource.transaction(async (manager) => {
          let n = 0;
          for (const due of await source.scan({ manager, now })) {
            const ids = await this.notifications.record(manager, {
              event: due.event ?? DEADLINE_REMINDER,
              entityType: due.entityType,
              entityId: due.entityId,
              occurrence: `${name}:${due.occurrence}`,
              recipients: due.recipients,
              data: {
                ...due.data,
                reminder: name,
                occurrence: due.occurrence,
                title: due.title,
                deadline: new Date(due.deadline).toISOString(),
              },
            });
            n += ids.length;
          }
          return n;
        });
      } catch (e) {
        failures.push(`${name}: ${(e as Error).message}`);
      }
    }
    if (failures.length) throw new Error(`reminder scans failed: ${failures.join('; ')}`);
    this.logger.debug(`reminder scans done: ${recorded} recorded`);
    return recorded;
  }

  /**
   * From 07:00 Oslo time, gathers each digest recipient's waiting notifications into one mail for the day.
   * Later items that day wait for the next day's digest. Returns how many digests were recorded.
   */
  async sendDigests(now = this.clock.now()): Promise<number> {
    const { day, hour } = osloDayAndHour(now);
    if (hour < DIGEST_HOUR) return 0;
    return this.dataSource.transaction(async (m) => {
      const rows = await lockWaitingForDigest(m);
      const byRecipient = new Map<string, typeof rows>();
      for (const r of rows) byRecipient.set(r.recipient_email, [...(byRecipient.get(r.recipient_email) ?? []), r]);
      let digests = 0;
      for (const [email, items] of byRecipient) {
        const [digestId] = await this.notifications.record(m, {
          event: DIGEST,
          entityType: 'notification-digest',
          entityId: email,
          occurrence: day,
          recipients: [{ email, name: items[0].recipient_name ?? undefined, userId: items[0].recipient_user_id ?? undefined }],
          data: { itemIds: items.map((i) => i.id), date: day },
        });
        if (!digestId) continue; // today's digest went out already
        await markDigested(
          m,
          digestId,
          items.map((i) => i.id),
        );
        digests++;
      }
      return digests;
    });
  }
}
