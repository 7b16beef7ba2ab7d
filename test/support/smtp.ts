import { SMTPServer } from 'smtp-server';

/** A mail as a person would read it: decoded subject and bodies, plus the raw headers. */
export interface ParsedMail {
  headers: Record<string, string>;
  subject: string;
  from: string;
  messageId?: string;
  text?: string;
  html?: string;
  /** Parts sent as attachments (Content-Disposition: attachment), decoded to their bytes. */
  attachments: ParsedAttachment[];
}

export interface ParsedAttachment {
  filename: string;
  /** The media type without its parameters, lower-cased: application/pdf. */
  contentType: string;
  content: Buffer;
}

export interface ReceivedMail extends ParsedMail {
  /** Envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  raw: string;
}

export interface SmtpTestServer {
  /** smtp://127.0.0.1:<port>, for SMTP_URL; with the user and password when the server requires a login. */
  url: string;
  port: number;
  /** Every accepted message, in order of arrival. */
  messages: ReceivedMail[];
  /** Messages refused so far (temporary and permanent). */
  refused: number;
  /**
   * The next `n` messages are refused with a temporary error (451), as a busy or greylisting server does.
   * With `to`, only messages to that address count: mail from another test still on its way cannot use up the failures.
   */
  failNext(n: number, code?: number, message?: string, to?: string): void;
  /**
   * Mail to this address is held once its data has arrived, without an answer, until release(): a server that
   * takes its time. Resolves `held` when one is being held. The message is accepted on release.
   */
  hold(address: string): { held: Promise<void>; release: () => void };
  /** Mail to this address is refused permanently (550 unknown mailbox) until allow(). */
  reject(address: string, code?: number, message?: string): void;
  allow(address: string): void;
  /** The next `n` logins are refused (535), as a server does while credentials are being rotated. */
  failLoginNext(n: number): void;
  /** Logins refused so far. */
  loginsRefused: number;
  /** Accepted messages to one address. */
  to(address: string): ReceivedMail[];
  /** Resolves once at least `count` messages have arrived; rejects after the timeout with what did arrive. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a free local port for tests: no TLS, every message parsed and kept. Without `auth` anyone
 * may send; with it the server requires that login (over plain text, as a local relay may allow).
 *   const smtp = await startSmtpServer(); createTestApp({ env: { SMTP_URL: smtp.url } }); ... await smtp.close();
 */
export async function startSmtpServer(opts: { auth?: { user: string; pass: string } } = {}): Promise<SmtpTestServer> {
  const messages: ReceivedMail[] = [];
  const rejected = new Map<string, { code: number; message: string }>();
  let failures: { left: number; code: number; message: string; to?: string } = { left: 0, code: 451, message: '' };
  let loginFailures = 0;
  const waiters: Array<() => void> = [];
  const holds = new Map<string, { arrived: () => void; released: Promise<void> }>();

  const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });
  const { auth } = opts;

  const server = new SMTPServer({
    ...(auth
      ? { authMethods: ['PLAIN', 'LOGIN'], allowInsecureAuth: true, disabledCommands: ['STARTTLS'] }
      : { authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'] }),
    logger: false,
    onAuth(login, _session, cb) {
      if (loginFailures > 0 || login.username !== auth?.user || login.password !== auth?.pass) {
        loginFailures = Math.max(0, loginFailures - 1);
        api.loginsRefused++;
        return cb(smtpError(535, '5.7.8 Authentication credentials invalid'));
      }
      cb(null, { user: login.username });
    },
    onRcptTo(address, _session, cb) {
      const r = rejected.get(address.address.toLowerCase());
      if (r) {
        api.refused++;
        return cb(smtpError(r.code, r.message));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const held = session.envelope.rcptTo.map((r) => holds.get(r.address.toLowerCase())).find(Boolean);
        if (held) {
          held.arrived();
          await held.released;
        }
        if (failures.left > 0 && (!failures.to || session.envelope.rcptTo.some((r) => r.address.toLowerCase() === failures.to))) {
          failures.left--;
          api.refused++;
          return cb(smtpError(failures.code, failures.message));
        }
        const raw = Buffer.concat(chunks).toString('latin1');
        messages.push({ ...parseMail(raw), to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw });
        waiters.splice(0).forEach((w) => w());
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined); // a client dropping its connection is not a test failure
  const port = (server.server.address() as { port: number }).port;

  const api: SmtpTestServer = {
    url: auth ? `smtp://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@127.0.0.1:${port}` : `smtp://127.0.0.1:${port}`,
    port,
    messages,
    refused: 0,
    loginsRefused: 0,
    failLoginNext(n) {
      loginFailures = n;
    },
    failNext(n, code = 451, message = '4.3.2 Try again later', to) {
      failures = { left: n, code, message, to: to?.toLowerCase() };
    },
    reject(address, code = 550, message = `5.1.1 <${address}>: Recipient address rejected: User unknown`) {
      rejected.set(address.toLowerCase(), { code, message });
    },
    hold(address) {
      let arrived!: () => void;
      let release!: () => void;
      const held = new Promise<void>((r) => (arrived = r));
      const released = new Promise<void>((r) => (release = r));
      holds.set(address.toLowerCase(), { arrived, released });
      return {
        held,
        release: () => {
          holds.delete(address.toLowerCase());
          release();
        },
      };
    },
    allow(address) {
      rejected.delete(address.toLowerCase());
    },
    to(address) {
      return messages.filter((m) => m.to.includes(address.toLowerCase()));
    },
    async waitFor(count, timeoutMs = 20000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} mails, got ${messages.length}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return api;
}

/** Parses a raw RFC 5322 message (an SMTP DATA payload or an .eml file) into decoded headers and bodies. */
export function parseMail(raw: string | Buffer): ParsedMail {
  const part = parsePart(typeof raw === 'string' ? raw : raw.toString('latin1'));
  const out: ParsedMail = {
    headers: part.headers,
    subject: decodeWords(part.headers.subject ?? ''),
    from: decodeWords(part.headers.from ?? ''),
    messageId: part.headers['message-id'],
    attachments: [],
  };
  collectBodies(part, out);
  return out;
}

interface Part {
  headers: Record<string, string>;
  body: string;
}

function parsePart(src: string): Part {
  const split = /\r?\n\r?\n/.exec(src);
  const head = split ? src.slice(0, split.index) : src;
  const body = split ? src.slice(split.index + split[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] ??= line.slice(i + 1).trim();
  }
  return { headers, body };
}

function collectBodies(part: Part, out: ParsedMail) {
  const type = (part.headers['content-type'] ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(part.headers['content-type'])?.[1];
    if (!boundary) return;
    const sections = part.body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?\\n?`));
    for (const s of sections.slice(1)) if (s.trim()) collectBodies(parsePart(s), out);
    return;
  }
  const disposition = part.headers['content-disposition'] ?? '';
  if (/^attachment\b/i.test(disposition)) {
    out.attachments.push({
      filename: parameter(disposition, 'filename') ?? decodeWords(parameter(part.headers['content-type'] ?? '', 'name') ?? ''),
      contentType: type.split(';')[0].trim(),
      content: decodeBytes(part.body, part.headers['content-transfer-encoding']),
    });
    return;
  }
  const decoded = decodeBody(part.body, part.headers['content-transfer-encoding']);
  if (type.startsWith('text/html')) out.html ??= decoded;
  else if (type.startsWith('text/plain')) out.text ??= decoded;
}

function decodeBody(body: string, encoding = '7bit'): string {
  return decodeBytes(body, encoding).toString('utf8');
}

function decodeBytes(body: string, encoding = '7bit'): Buffer {
  const e = encoding.toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (e === 'quoted-printable') return qpBytes(body.replace(/=\r?\n/g, ''));
  return Buffer.from(body, 'latin1');
}

/**
 * A header parameter (filename, name), also when RFC 2231 splits it into numbered pieces with percent-encoded
 * UTF-8 (filename*0*=utf-8''…; filename*1="…"), as nodemailer writes a long or non-ASCII file name.
 */
function parameter(header: string, name: string): string | undefined {
  const pieces: Array<{ index: number; value: Buffer }> = [];
  const re = /;\s*([A-Za-z0-9-]+)(?:\*(\d+))?(\*)?=("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    if (m[1].toLowerCase() !== name) continue;
    let raw = m[4].trim();
    if (raw.startsWith('"')) raw = raw.slice(1, -1).replace(/\\(.)/g, '$1');
    const value = m[3] ? qpBytes(raw.replace(/^[^']*'[^']*'/, '').replace(/%([0-9A-Fa-f]{2})/g, '=$1')) : Buffer.from(raw, 'latin1');
    pieces.push({ index: m[2] === undefined ? 0 : Number(m[2]), value });
  }
  if (!pieces.length) return undefined;
  return Buffer.concat(pieces.sort((a, b) => a.index - b.index).map((p) => p.value)).toString('utf8');
}

function qpBytes(s: string): Buffer {
  return Buffer.from(
    s.replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?= / =?UTF-8?B?...?=), as nodemailer writes non-ASCII headers. */
function decodeWords(value: string): string {
  const decoded = value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('latin1') : qpBytes(text.replace(/_/g, ' ')).toString('latin1'),
    );
  // the words decode to UTF-8 bytes; plain ASCII around them is unchanged by the round trip
  return Buffer.from(decoded, 'latin1').toString('utf8');
}
