export type MailAddress = string | { name: string; address: string };

export interface MailMessage {
  to: MailAddress | MailAddress[];
  subject: string;
  text: string;
  html?: string;
  /** Stable Message-ID lets a receiving system drop a duplicate we could not rule out. */
  messageId?: string;
  headers?: Record<string, string>;
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
