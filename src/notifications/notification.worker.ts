import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { MailAttachment, MailPort, SentMail } from '../mail/mail.port';
import { QueueJob, QueuePort } from '../queue/queue.port';
import { FileStorage } from '../storage/storage.port';
import { MAIL_QUEUE, NotificationJob, PREPARE_QUEUE, enqueueSend } from './notification.jobs';
import { NotificationService } from './notification.service';
import { Language, NotificationAttachment } from './notification.types';
import {
  claimForSending,
  finishWithoutMail,
  lockForRendering,
  markFailed,
  markSent,
  releaseAfterFailedSend,
  saveRendered,
} from './queries';
import { TemplateRenderer } from '../templates/template-renderer';

type Outcome = { status: 'rendered' | 'digest' | 'skipped' | 'failed' | 'gone' };
/** The mail is with the server; recording that is retried briefly rather than risking a second send. */
const MARK_SENT_ATTEMPTS = 5;

/**
 * The two stages after the relay (immich's notify → send-mail): `prepare` re-reads the entity through the
 * event definition, applies the recipient's language and preferences and renders; `send` delivers one rendered
 * mail. Both are safe to run twice: each claims its row by a status change before it acts.
 */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger('NotificationWorker');
  private readonly messageIdDomain: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: QueuePort,
    private readonly mail: MailPort,
    private readonly config: AppConfig,
    private readonly notifications: NotificationService,
    @Inject(TemplateRenderer) private readonly templates: TemplateRenderer,
    private readonly storage: FileStorage,
  ) {
    this.messageIdDomain = /@([^>\s]+)>?\s*$/.exec(config.mailFrom)?.[1] ?? 'helseteknologiordningen.local';
  }

  onApplicationBootstrap() {
    this.queue.process<NotificationJob>(PREPARE_QUEUE, (job) => this.prepare(job), 5);
    this.queue.process<NotificationJob>(MAIL_QUEUE, (job) => this.send(job), 10);
  }

  async prepare(job: QueueJob<NotificationJob>): Promise<void> {
    const { id, generation } = job.data;
    let outcome: Outcome;
    try {
      outcome = await this.dataSource.transaction(async (m) => {
        const row = await lockForRendering(m, id);
        if (!row || row.generation !== generation) return { status: 'gone' };
        // rendered already: this is a replay whose send job was lost; pending: a job Redis accepted after the relay gave up
        if (row.status === 'rendered') return { status: 'rendered' };
        if (row.status !== 'pending' && row.status !== 'queued') return { status: 'gone' };

        const finish = async (status: 'skipped' | 'failed', reason: string): Promise<Outcome> => {
          await finishWithoutMail(m, id, status, reason);
          return { status };
        };
        const def = this.notifications.definition(row.event);
        if (!def) return finish('failed', `event "${row.event}" is no longer defined`);
        if (!row.mandatory && row.opt_out) return finish('skipped', 'the recipient has opted out of non-mandatory notifications');

        const language: Language = row.requested_language ?? row.preferred_language ?? 'nb';
        const recipient = {
          email: row.recipient_email,
          name: row.recipient_name ?? undefined,
          userId: row.recipient_user_id ?? undefined,
          language,
        };
        const data = await def.resolve({ entityId: row.entity_id, data: row.data, manager: m, language, recipient });
        if (!data) return finish('skipped', 'no longer relevant when it was about to be sent');
        const missing = def.variables.filter((v) => data[v] === undefined);
        if (missing.length) return finish('failed', `resolve() of ${row.event} returned no ${missing.join(', ')}`);

        const mail = this.templates.renderMail(def.template, language, {
          ...data,
          recipientName: row.recipient_name ?? row.recipient_email,
        });
        // a digest lists subjects and texts only: a mail that carries files (a letter) goes out on its own, at once
        const status = !row.mandatory && row.digest && !row.has_attachments ? 'digest' : 'rendered';
        await saveRendered(m, id, { status, language, ...mail });
        return { status };
      });
    } catch (e) {
      if (job.attempt >= job.maxAttempts) await this.markFailed(id, generation, ['pending', 'queued'], e as Error);
      throw e;
    }
    if (outcome.status === 'rendered') await enqueueSend(this.queue, this.config, { id, generation });
  }

  async send(job: QueueJob<NotificationJob>): Promise<void> {
    const { id, generation } = job.data;
    // the claim: only one worker moves a row from rendered to sending (the relay releases a claim whose worker is gone)
    const row = await claimForSending(this.dataSource.manager, id, generation);
    if (!row) return;
    let sent: SentMail;
    try {
      // read again on every attempt, from the key recorded with the row: the same stored file each time
      const attachments = await Promise.all(row.attachments.map((a) => this.readAttachment(a)));
      sent = await this.mail.send({
        to: row.recipient_name ? { name: row.recipient_name, address: row.recipient_email } : row.recipient_email,
        subject: row.subject,
        text: row.body_text,
        html: row.body_html ?? undefined,
        // the same Message-ID on every attempt lets the receiving side drop a copy we could not rule out
        messageId: `<${id}@${this.messageIdDomain}>`,
        headers: { 'X-Notification-Id': id },
        attachments: attachments.length ? attachments : undefined,
      });
    } catch (e) {
      // counted on the row, not the job: a job replaced after a lost worker does not start the count again
      const final = isPermanent(e) || row.attempts >= this.config.notifyMaxAttempts;
      await releaseAfterFailedSend(this.dataSource.manager, id, final ? 'failed' : 'rendered', describe(e as Error));
      this.logger.warn({ notificationId: id, attempt: row.attempts, final, error: (e as Error).message }, 'mail not sent');
      if (!final) throw e;
      return;
    }
    // the server has the mail: from here a failure must not lead to sending it again, only to recording it again
    await this.markSent(id, generation, sent);
  }

  private async readAttachment(a: NotificationAttachment): Promise<MailAttachment> {
    let content: Buffer;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of this.storage.read(a.storageKey)) chunks.push(chunk as Buffer);
      content = Buffer.concat(chunks);
    } catch (e) {
      const missing = (e as { code?: string }).code === 'ENOENT';
      throw new AttachmentError(
        `attachment ${a.filename} (${a.storageKey}) ${missing ? 'is not in file storage' : `could not be read: ${(e as Error).message}`}`,
        missing,
      );
    }
    if (a.sha256) {
      const sha256 = createHash('sha256').update(content).digest('hex');
      // never send other bytes than the ones recorded (a letter whose hash is in the case journal)
      if (sha256 !== a.sha256)
        throw new AttachmentError(`attachment ${a.filename} (${a.storageKey}) has SHA-256 ${sha256}, not ${a.sha256}`, true);
    }
    return { filename: a.filename, contentType: a.contentType, content };
  }

  private async markSent(id: string, generation: number, sent: SentMail): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        // `rendered`: the relay released our claim as expired while the server took its time; it went out all the same
        await markSent(this.dataSource.manager, id, generation, sent);
        return;
      } catch (e) {
        if (attempt >= MARK_SENT_ATTEMPTS) {
          // left `sending`: once the claim expires it is sent again, under the same Message-ID
          this.logger.error({ notificationId: id, error: (e as Error).message }, 'mail sent but not recorded as sent');
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  private async markFailed(id: string, generation: number, from: string[], e: Error) {
    await markFailed(this.dataSource.manager, id, generation, from, describe(e)).catch((err: Error) =>
      this.logger.error(`could not mark notification ${id} failed: ${err.message}`),
    );
  }
}

/**
 * The server refused this recipient or this message for good (5xx to RCPT TO or DATA): trying again will not help.
 * A 5xx to the login, the greeting or our sender (a wrong password, a server not yet accepting us) is about our
 * side and hits every message alike; those are retried like any temporary failure. An attachment gone from storage
 * or changed there will not come back by trying again either.
 */
function isPermanent(e: unknown): boolean {
  if (e instanceof AttachmentError) return e.permanent;
  // nodemailer's `permanent`: a 5xx reply, except 503 (commands out of sequence, fine on a new connection)
  const { command, permanent } = e as { command?: string; permanent?: boolean };
  return permanent === true && (command === 'RCPT TO' || command === 'DATA');
}

/** A file the mail must carry could not be had: gone or changed (permanent), or the storage failed (try again). */
class AttachmentError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

function describe(e: Error): string {
  return (e.message || String(e)).slice(0, 2000);
}
