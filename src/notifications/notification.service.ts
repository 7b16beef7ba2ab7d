import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TemplateRenderer } from '../templates/template-renderer';
import { NotificationAttachment, NotificationEventDefinition, NotifyInput } from './notification.types';
import { OutboxRelay } from './outbox-relay';
import { insertNotification } from './queries';

const EMAIL = /^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>"]+$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The one entry point for "tell someone about this". Call notify() inside the transaction of the change:
 * it writes outbox rows there, so a rolled-back change sends nothing, and a committed one is relayed to the queue.
 */
@Injectable()
export class NotificationService implements OnApplicationBootstrap {
  private readonly definitions = new Map<string, NotificationEventDefinition>();
  private started = false;

  constructor(
    @Inject(TemplateRenderer) private readonly templates: TemplateRenderer,
    private readonly relay: OutboxRelay,
  ) {}

  /** Modules define their events in onModuleInit; the templates are checked once every module has. */
  define(def: NotificationEventDefinition): void {
    if (this.definitions.has(def.event)) throw new Error(`notification event "${def.event}" is defined twice`);
    if (this.started) this.check([def]);
    this.definitions.set(def.event, def);
  }

  definition(event: string): NotificationEventDefinition | undefined {
    return this.definitions.get(event);
  }

  onApplicationBootstrap() {
    this.check([...this.definitions.values()]);
    this.started = true;
  }

  async notify(manager: EntityManager, input: NotifyInput): Promise<void> {
    await this.record(manager, input);
  }

  /** notify() that also tells which outbox rows it wrote (none for a recipient already notified of this). */
  async record(manager: EntityManager, input: NotifyInput): Promise<string[]> {
    const def = this.definitions.get(input.event);
    if (!def) throw new Error(`notify: event "${input.event}" is not defined`);
    const attachments = JSON.stringify((input.attachments ?? []).map((a) => checkedAttachment(input.event, a)));
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const r of input.recipients) {
      const email = r.email?.trim().toLowerCase();
      if (!email || !EMAIL.test(email)) throw new Error(`notify ${input.event}: "${r.email}" is not an e-mail address`);
      if (seen.has(email)) continue;
      seen.add(email);
      const key = [input.event, input.entityType, input.entityId, input.occurrence ?? '', email].join('|');
      const id = await insertNotification(manager, {
        event: input.event,
        entityType: input.entityType,
        entityId: input.entityId,
        email,
        name: r.name ?? null,
        userId: r.userId ?? null,
        language: r.language ?? null,
        data: JSON.stringify(input.data ?? {}),
        idempotencyKey: key,
        mandatory: def.mandatory,
        attachments,
      });
      if (id) ids.push(id);
    }
    if (ids.length) this.relay.afterCommit(manager);
    return ids;
  }

  private check(defs: NotificationEventDefinition[]) {
    const problems = defs.flatMap((d) => this.templates.check('mail', d.template, d.variables).map((p) => `${d.event}: ${p}`));
    if (problems.length) {
      throw new Error(
        `Mail templates do not match the notification events (${this.templates.dir('mail')}):\n  - ${problems.join('\n  - ')}`,
      );
    }
  }
}

/** Only the fields the worker reads, each present: a caller's mistake shows at notify(), not as a mail without its file. */
function checkedAttachment(event: string, a: NotificationAttachment): NotificationAttachment {
  for (const field of ['filename', 'contentType', 'storageKey'] as const) {
    if (typeof a[field] !== 'string' || !a[field].trim()) throw new Error(`notify ${event}: an attachment has no ${field}`);
  }
  if (a.sha256 !== undefined && !SHA256.test(a.sha256)) throw new Error(`notify ${event}: "${a.sha256}" is not a SHA-256 in hex`);
  return { filename: a.filename, contentType: a.contentType, storageKey: a.storageKey, ...(a.sha256 ? { sha256: a.sha256 } : {}) };
}
