import { EntityManager } from 'typeorm';
import { Language } from '../templates/language';

export type { Language };

/** Who hears about an event. Language: explicit > the user's preference > bokmål. */
export interface Recipient {
  email: string;
  name?: string;
  userId?: string;
  /** Set it when the law decides: letters to a municipality follow its målform (lead municipality). */
  language?: Language;
}

export interface NotifyInput {
  /** A registered event name, e.g. 'application.submitted'. */
  event: string;
  entityType: string;
  entityId: string;
  recipients: Recipient[];
  /** Facts known at the time of the change; the event definition may re-read and enrich them at send time. */
  data?: Record<string, unknown>;
  /**
   * Tells apart repeated occurrences of one event on one entity (the second return for completion, the 7-day and
   * the 1-day reminder). Part of the idempotency key: the same (event, entity, occurrence, recipient) is sent once.
   */
  occurrence?: string;
  /**
   * Files sent with the mail (a decision letter as PDF), by their key in FileStorage: kept with the notification and
   * read from storage when the mail is sent, so every retry attaches the same bytes. A notification that carries files
   * is never folded into a digest: it goes out as a mail of its own, at once.
   */
  attachments?: NotificationAttachment[];
}

export interface NotificationAttachment {
  filename: string;
  contentType: string;
  storageKey: string;
  /**
   * The SHA-256 (hex) of the file as it was meant to be sent (StoredFile.sha256). When given, the worker checks the
   * bytes it read against it and refuses to send anything else (a file changed or damaged in storage).
   */
  sha256?: string;
}

/**
 * What a module registers for each event it emits (in its onModuleInit), so the notification job can
 * re-read current state before sending.
 */
export interface NotificationEventDefinition {
  event: string;
  /** templates/mail/{template}.{nb,nn}.hbs */
  template: string;
  /** Legally required notices (decisions, reclaim demands) ignore opt-outs and digests. */
  mandatory: boolean;
  /**
   * Variables the template uses (not `recipientName`, which every template gets); checked against both
   * templates at start-up, in both directions.
   */
  variables: string[];
  /**
   * Re-read the entity at send time. Return the template data, or null to skip
   * (the entity is gone or the event is stale, e.g. an application withdrawn before its reminder).
   */
  resolve(ctx: {
    entityId: string;
    data: Record<string, unknown>;
    manager: EntityManager;
    language: Language;
    recipient: Recipient;
  }): Promise<Record<string, unknown> | null>;
}
