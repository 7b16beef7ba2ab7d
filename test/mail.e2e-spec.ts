import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { AppConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { MailModule } from '../src/mail/mail.module';
import { FileMailDriver } from '../src/mail/file-mail.driver';
import { MailPort } from '../src/mail/mail.port';
import { SmtpMailDriver } from '../src/mail/smtp-mail.driver';
import { createTestApp, TestApp } from './support/app';
import { parseMail, startSmtpServer, SmtpTestServer } from './support/smtp';
import { eventually, settled } from './support/eventually';

const FROM = 'Helseteknologiordningen <noreply@hto.example.no>';
const letter = {
  to: { name: 'Åse Ødegård', address: 'ase@volda.kommune.no' },
  subject: 'Vedtak om tilskot – søknad HTO-2025-0042',
  text: 'Hei Åse,\n\nDe har fått tilskot på kr 1 250 000,00 til «Trygg heime».\n',
  html: '<p>Hei Åse,</p><p>De har fått tilskot på <strong>kr 1 250 000,00</strong>.</p>',
  messageId: '<3f1e9c1a-0000-4000-8000-000000000001@hto.example.no>',
};

/** Every byte value, so a PDF's binary content is seen to pass unchanged (no charset conversion, no line-ending fix). */
const pdf = Buffer.concat([
  Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\r\n', 'latin1'),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('\n%%EOF\n'),
]);
const withAttachments = {
  ...letter,
  attachments: [
    { filename: 'Vedtak HTO-2025-0042 – Volda og Ørsta kommunar.pdf', contentType: 'application/pdf', content: pdf },
    {
      filename: 'vilkår.txt',
      contentType: 'text/plain; charset=utf-8',
      content: Buffer.from('Vilkår for tilskot\r\n1. Rapport innan 1. mars 2027\n'),
    },
  ],
};
const expectedAttachments = [
  { filename: 'Vedtak HTO-2025-0042 – Volda og Ørsta kommunar.pdf', contentType: 'application/pdf', content: pdf },
  { filename: 'vilkår.txt', contentType: 'text/plain', content: Buffer.from('Vilkår for tilskot\r\n1. Rapport innan 1. mars 2027\n') },
];

describe('mail port: SMTP driver against a real SMTP server', () => {
  let smtp: SmtpTestServer;
  let mail: SmtpMailDriver;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    mail = new SmtpMailDriver(smtp.url, FROM);
  });
  afterAll(async () => {
    await mail.close();
    await smtp.close();
  });

  it('delivers subject, text and HTML intact, with our Message-ID and sender', async () => {
    const sent = await mail.send(letter);
    expect(sent.messageId).toBe(letter.messageId);
    expect(sent.receipt).toMatch(/^250/);
    const [received] = await smtp.waitFor(1);
    expect(received.to).toEqual(['ase@volda.kommune.no']);
    expect(received.subject).toBe(letter.subject);
    expect(received.text?.replace(/\r\n/g, '\n')).toBe(letter.text);
    expect(received.html).toBe(letter.html);
    expect(received.messageId).toBe(letter.messageId);
    expect(received.from).toBe(FROM);
    expect(received.headers.to).toContain('ase@volda.kommune.no');
  });

  it("rejects with the server's answer and code when it refuses, so callers can tell temporary from permanent", async () => {
    smtp.failNext(1, 451, '4.3.2 Try again later');
    await expect(mail.send(letter)).rejects.toMatchObject({ responseCode: 451 });
    smtp.reject('gone@volda.kommune.no');
    await expect(mail.send({ ...letter, to: 'gone@volda.kommune.no' })).rejects.toMatchObject({ responseCode: 550 });
    await mail.send(letter);
    expect(smtp.to('ase@volda.kommune.no')).toHaveLength(2);
  });

  it('sends attachments with their file names, types and exact bytes, beside the text and HTML', async () => {
    const before = smtp.messages.length;
    await mail.send({ ...withAttachments, messageId: '<3f1e9c1a-0000-4000-8000-000000000002@hto.example.no>' });
    const received = (await smtp.waitFor(before + 1))[before];
    expect(received.messageId).toBe('<3f1e9c1a-0000-4000-8000-000000000002@hto.example.no>');
    expect(received.text?.replace(/\r\n/g, '\n')).toBe(letter.text);
    expect(received.html).toBe(letter.html);
    expect(received.attachments).toEqual(expectedAttachments);
    // a mail without attachments has none
    expect(smtp.messages[0].attachments).toEqual([]);
  });
});

describe('mail port: file driver (no SMTP configured)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hto-mail-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each message as an .eml file a mail client can open', async () => {
    const mail = new FileMailDriver(join(dir, 'outbox'), FROM);
    const sent = await mail.send(letter);
    const files = readdirSync(join(dir, 'outbox'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    expect(sent.receipt).toBe(join(dir, 'outbox', files[0]));
    const parsed = parseMail(readFileSync(sent.receipt));
    expect(parsed.subject).toBe(letter.subject);
    expect(parsed.text).toBe(letter.text);
    expect(parsed.html).toBe(letter.html);
    expect(parsed.messageId).toBe(letter.messageId);
    expect(parsed.headers.to).toContain('ase@volda.kommune.no');
    expect(parsed.attachments).toEqual([]);
  });

  it('writes attachments into the .eml file, where a mail client finds them', async () => {
    const mail = new FileMailDriver(join(dir, 'with-attachments'), FROM);
    const sent = await mail.send(withAttachments);
    const parsed = parseMail(readFileSync(sent.receipt));
    expect(parsed.subject).toBe(letter.subject);
    expect(parsed.text).toBe(letter.text);
    expect(parsed.html).toBe(letter.html);
    expect(parsed.attachments).toEqual(expectedAttachments);
  });
});

describe('mail port: chosen by configuration', () => {
  it('uses SMTP when SMTP_URL is set', async () => {
    const smtp = await startSmtpServer();
    // the port as MailModule builds it from the configuration: choosing a driver needs no database
    const dataDir = mkdtempSync(join(tmpdir(), 'hto-mail-'));
    const config = new AppConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
      SMTP_URL: smtp.url,
    });
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), MailModule] }).compile();
    try {
      await moduleRef.init();
      const mail = moduleRef.get(MailPort);
      expect(mail.driverName).toBe('smtp');
      await mail.send({ to: 'post@oslo.kommune.no', subject: 'Kvittering', text: 'Mottatt.' });
      const [m] = await smtp.waitFor(1);
      expect(m.subject).toBe('Kvittering');
    } finally {
      await moduleRef.close();
      await smtp.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('writes .eml files under DATA_DIR/outbox without SMTP, also for mail from the notification pipeline', async () => {
    let t: TestApp | undefined;
    try {
      t = await createTestApp({ env: { SMTP_URL: undefined, NOTIFY_RELAY_INTERVAL_MS: '100' } });
      expect(t.app.get(MailPort).driverName).toBe('file');
      await t
        .http()
        .post('/api/v1/notifications/test')
        .set(t.auth('officer'))
        .send({ email: 'post@bergen.kommune.no', language: 'nn' })
        .expect(202);
      const outbox = join(t.dataDir, 'outbox');
      const files = () => {
        try {
          return readdirSync(outbox).filter((f) => f.endsWith('.eml'));
        } catch {
          return [];
        }
      };
      await eventually('an .eml file', () => files().length > 0, { timeoutMs: 20000 });
      await settled(t);
      expect(files()).toHaveLength(1);
      const parsed = parseMail(readFileSync(join(outbox, files()[0])));
      expect(parsed.subject).toBe('Testvarsel frå Helseteknologiordninga');
      expect(parsed.text).toContain('Dette er eit testvarsel sendt av officer@demo.local');
    } finally {
      await t?.close();
    }
  });
});
