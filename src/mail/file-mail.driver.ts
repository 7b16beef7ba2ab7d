import { Logger } from '@nestjs/common';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { MailMessage, MailPort, SentMail, toNodemailer } from './mail.port';

/** The embedded default: each message becomes an .eml file under DATA_DIR/outbox, openable in any mail client. */
export class FileMailDriver extends MailPort {
  readonly driverName = 'file' as const;
  private readonly logger = new Logger('Mail');
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    readonly dir: string,
    private readonly from: string,
  ) {
    super();
  }

  async send(m: MailMessage): Promise<SentMail> {
    const info = await this.transport.sendMail(toNodemailer(this.from, m));
    await mkdir(this.dir, { recursive: true });
    const safeId = info.messageId.replace(/[^A-Za-z0-9.-]/g, '_');
    const file = join(this.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeId}.eml`);
    // written aside and renamed: whoever watches the folder never opens a half-written message
    await writeFile(`${file}.part`, info.message as Buffer);
    await rename(`${file}.part`, file);
    this.logger.log({ to: m.to, subject: m.subject, file }, 'mail written to file');
    return { messageId: info.messageId, receipt: file };
  }

  /**
   * Removes the half-written `.eml.part` files a killed process left behind (its notification is still on its way
   * in the outbox and is written again). Only ones older than `olderThanMs`: a process sharing the folder may be
   * writing one right now, which takes milliseconds. Called at start.
   */
  async removeLeftovers(olderThanMs = 60_000, now = Date.now()): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names.filter((n) => n.endsWith('.eml.part'))) {
      const path = join(this.dir, name);
      const s = await stat(path).catch(() => null);
      if (!s || now - s.mtimeMs < olderThanMs) continue;
      await rm(path, { force: true });
      removed.push(name);
    }
    if (removed.length)
      this.logger.warn({ files: removed }, `removed ${removed.length} half-written mail file(s) left by a stopped process`);
    return removed;
  }

  async close(): Promise<void> {}
}
