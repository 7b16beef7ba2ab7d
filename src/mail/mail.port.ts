export type MailAddress = string | { name: string; address: string };

/** A file sent with a mail (a decision letter as PDF): the bytes as they are, base64 on the wire. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface MailMessage {
  to: MailAddress | MailAddress[];
  subject: string;
  text: string;
  html?: string;
  /** Stable Message-ID lets a receiving system drop a duplicate we could not rule out. */
  messageId?: string;
  headers?: Record<string, string>;
  attachments?: MailAttachment[];
}

/** The message as nodemailer takes it, the same for every driver. */
export function toNodemailer(from: string, m: MailMessage) {
  return {
    from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: m.messageId,
    headers: m.headers,
    attachments: m.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
  };
}

export interface SentMail {
  messageId: string;
  /** Where it went: the SMTP server's response, or the file written. */
  receipt: string;
}

export abstract class MailPort {
  abstract readonly driverName: 'smtp' | 'file';
  abstract send(message: MailMessage): Promise<SentMail>;
  abstract close(): Promise<void>;
}
