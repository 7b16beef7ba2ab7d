import nodemailer from 'nodemailer';
import { MailMessage, MailPort, SentMail, toNodemailer } from './mail.port';

export class SmtpMailDriver extends MailPort {
  readonly driverName = 'smtp' as const;
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    super();
    // a pool reuses connections across a burst; the timeouts keep a hanging server from holding a job forever
    this.transport = nodemailer.createTransport(smtpUrl, {
      from,
      pool: true,
      maxConnections: 5,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
    } as Parameters<typeof nodemailer.createTransport>[1]);
  }

  async send(m: MailMessage): Promise<SentMail> {
    const info = await this.transport.sendMail(toNodemailer(this.from, m));
    return { messageId: info.messageId, receipt: String(info.response ?? '') };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
