import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Recipient } from './notification.types';

/** One deadline someone should be reminded of. */
export interface DueReminder {
  /** Defaults to 'deadline.reminder' (the generic reminder template); a module may use an event of its own. */
  event?: string;
  entityType: string;
  entityId: string;
  /**
   * Which reminder for this entity, e.g. `${deadline}:7d`. With the recipient it makes the idempotency key, so a
   * scan that runs twice (two schedulers, a repeated fire) still sends one reminder.
   */
  occurrence: string;
  recipients: Recipient[];
  /** What is due, in the recipient's words (e.g. "Sluttrapport for Trygg heime"). */
  title: string;
  deadline: Date | string;
  data?: Record<string, unknown>;
}

export interface ReminderSource {
  /** Finds what is due now; runs in a transaction, on one worker at a time per schedule tick. */
  scan(ctx: { manager: EntityManager; now: Date }): Promise<DueReminder[]>;
  /** Asked again right before the reminder is rendered; false skips it (the report came in, the deadline moved). */
  stillDue?(ctx: { manager: EntityManager; entityId: string; occurrence: string; data: Record<string, unknown> }): Promise<boolean>;
}

/** Modules plug their deadlines in here (in onModuleInit): `reminders.register('report-due', { scan, stillDue })`. */
@Injectable()
export class ReminderRegistry {
  private readonly logger = new Logger('Reminders');
  private readonly sources = new Map<string, ReminderSource>();

  register(name: string, source: ReminderSource): void {
    if (this.sources.has(name)) throw new Error(`reminder "${name}" is registered twice`);
    this.sources.set(name, source);
    this.logger.debug(`reminder source ${name} registered`);
  }

  get(name: string): ReminderSource | undefined {
    return this.sources.get(name);
  }

  entries(): Array<[string, ReminderSource]> {
    return [...this.sources.entries()];
  }
}
