import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inflateSync } from 'node:zlib';
import { DEMO_DECISIONS } from '../src/calls/call-rules';
import { Transactions } from '../src/database/transaction';
import { MailPort } from '../src/mail/mail.port';
import { TEST_MAIL } from '../src/notifications/built-in-events';
import { DEADLINE_REMINDER } from '../src/notifications/notification.scheduler';
import { NotificationService } from '../src/notifications/notification.service';
import { NotificationAttachment, NotifyInput } from '../src/notifications/notification.types';
import { FileStorage, StoredFile } from '../src/storage/storage.port';
import { createTestApp, TestApp } from './support/app';
import { assessedApplication, municipalitiesWritingIn, proposedDecision } from './support/decisions';
import { eventually, settled } from './support/eventually';
import { Auth, createCall, MunicipalityPool, setClock, testRules } from './support/fixtures';
import { ReceivedMail, SmtpTestServer, startSmtpServer } from './support/smtp';

/**
 * Issue 11, "must show" 3: the decision letter in the lead municipality's written language, as HTML and as a PDF/A-2b
 * that a PDF reader parses (case number, amount and appeal deadline as written), registered in the case journal with
 * the SHA-256 of the very bytes served, and mailed in the same language with those bytes attached.
 *
 * The letters are sent at a clock set to Friday 4 December 2026, 10:00 in Oslo. Worked out by hand:
 *  - the appeal deadline, three weeks: Friday 25 December 2026 is Christmas Day, Saturday the 26th Boxing Day (and a
 *    Saturday), Sunday the 27th a Sunday: it moves to Monday 28 December 2026;
 *  - the acceptance deadline, four weeks in these calls (so the two dates differ): Friday 1 January 2027 is New Year's
 *    Day, then a Saturday and a Sunday: Monday 4 January 2027 is the last day.
 */
const SENT_AT = '2026-12-04T09:00:00Z';
const APPEAL_LAST_DAY = '2026-12-28';
const APPEAL_WRITTEN = '28. desember 2026';
const ACCEPT_WRITTEN = '4. januar 2027';
const NBSP = '\u00a0';
/**
 * 1 000 000 kr as pdf.js gives it back: on one line (no line end inside: the layout does not break at a no-break space),
 * with plain spaces, as pdf.js extracts every kind of white space. That the PDF itself says U+00A0 is read from its
 * ToUnicode maps (toUnicodeMaps below).
 */
const ONE_MILLION_ON_ONE_LINE = /1[ \u00a0]000[ \u00a0]000[ \u00a0]kr/;
const KR = 100;
const CONTACT = 'kari.kontakt@test.local';

interface ReadPdf {
  pages: number;
  text: string;
  info: Record<string, unknown>;
  pdfaPart: string | null;
  pdfaConformance: string | null;
}

/** Reads a PDF back with Mozilla's pdf.js, in its own process (an ES module Jest cannot load). */
function readPdf(pdf: Buffer): ReadPdf {
  const dir = mkdtempSync(join(tmpdir(), 'hto-letter-'));
  try {
    writeFileSync(join(dir, 'letter.pdf'), pdf);
    const out = execFileSync(process.execPath, [join(__dirname, 'support', 'pdf-read.mjs'), join(dir, 'letter.pdf')]);
    return JSON.parse(String(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ToUnicode CMaps of the PDF's fonts (pdfkit writes them Flate-compressed): what each glyph means as text. */
function toUnicodeMaps(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const maps: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    let text: string;
    try {
      text = inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue; // not a Flate stream (or not one whole): no CMap of ours
    }
    if (text.includes('/CMapName /Adobe-Identity-UCS')) maps.push(text);
  }
  return maps.join('\n');
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** pdf.js gives a line end where the layout broke a line: compare text with every run of white space as one space. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

/** Words only one of the written languages uses, in the letters and mails alike. */
const WORDS = {
  nn: { grant: 'Vedtak om tilskot', appealIntro: 'Klagefristen er tre veker', not: ['tilskudd', 'Klagefristen er tre uker'] },
  nb: { grant: 'Vedtak om tilskudd', appealIntro: 'Klagefristen er tre uker', not: ['tilskot', 'Klagefristen er tre veker'] },
} as const;

describe('decision letters: the lead municipality’s language, PDF/A-2b, the case journal and the mail with the PDF', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let pool: MunicipalityPool;
  let nynorsk: string[];
  let bokmal: string[];
  /** Calls whose grants are accepted within four weeks (see above). */
  let call: { id: string; measureCode: string };
  const officer = () => t.auth('officer');
  const approver = () => t.auth('approver');

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, NOTIFY_BACKOFF_MS: '40', NOTIFY_RELAY_INTERVAL_MS: '200' } });
    nynorsk = await municipalitiesWritingIn(t, 'Nynorsk', 3);
    bokmal = await municipalitiesWritingIn(t, 'Bokmål', 3);
    pool = await MunicipalityPool.create(t, {
      excludeRegions: ['Helse Midt-Norge'],
      reserved: ['4601', '0301', ...nynorsk, ...bokmal],
    });
    call = await createCall(t, { rules: testRules('INNFORING', { decisions: { ...DEMO_DECISIONS, acceptanceWeeks: 4 } }) });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** GET as bytes, whatever the content type. */
  const getBytes = (url: string, auth: Auth) =>
    t
      .http()
      .get(url)
      .set(auth)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });

  /** Approves at the letter's clock. */
  const approveAt = async (decisionId: string) => {
    const restore = setClock(t, SENT_AT);
    try {
      const res = await t.http().post(`/api/v1/decisions/${decisionId}/approve`).set(approver()).send({ comment: 'Godkjent.' });
      expect(res.status).toBe(200);
      return res.body;
    } finally {
      restore();
    }
  };

  /** The decision mail of this case as the SMTP server received it. */
  const decisionMail = (caseNumber: string) =>
    eventually(`the decision mail of case ${caseNumber}`, async () =>
      smtp.to(CONTACT).find((m) => m.subject.startsWith(`Vedtak i sak ${caseNumber}:`)),
    ) as Promise<ReceivedMail>;

  const journalEntry = async (caseNumber: string) => {
    const res = await t
      .http()
      .get(`/api/v1/cases/${encodeURIComponent(caseNumber)}/journal`)
      .set(officer())
      .expect(200);
    const letters = res.body.entries.filter(
      (e: { direction: string; documentType: string }) => e.direction === 'U' && e.documentType === 'VEDTAK',
    );
    expect(letters).toHaveLength(1);
    return letters[0] as { entryNumber: string; title: string; document: { mediaType: string; sha256: string } | null };
  };

  describe.each([
    { lang: 'nn' as const, lead: () => nynorsk[0], other: () => bokmal[2], label: 'nynorsk' },
    { lang: 'nb' as const, lead: () => bokmal[0], other: () => nynorsk[2], label: 'bokmål' },
  ])('a grant to a consortium led by a $label municipality', ({ lang, lead, other }) => {
    let s: Awaited<ReturnType<typeof assessedApplication>>;
    let decisionId: string;
    let caseNumber: string;
    let pdf: Buffer;
    let read: ReadPdf;
    const decision = async () => (await t.http().get(`/api/v1/decisions/${decisionId}`).set(officer()).expect(200)).body;

    it('is not there for anyone before approval, not even for the own consortium', async () => {
      // the other member writes the other language: the lead's målform decides (språklova)
      s = await assessedApplication(t, { pool, call, members: [lead(), other()] });
      caseNumber = s.application.caseNumber;
      const d = await proposedDecision(t, s.application.id, { internalNote: 'Intern merknad: må følges opp tett.' });
      decisionId = d.id;
      expect(d.amountOre).toBe(1_000_000 * KR);
      for (const format of ['pdf', 'html']) {
        const own = await t.http().get(`/api/v1/decisions/${decisionId}/letter?format=${format}`).set(s.applicant.auth);
        expect(own.status).toBe(404);
      }
      // staff see the decision, but there is no letter before it is approved
      const early = await t.http().get(`/api/v1/decisions/${decisionId}/letter`).set(officer());
      expect(early.status).toBe(404);
      expect(early.body.code).toBe('NO_LETTER');
    });

    it(`on approval the letter is written in ${lang}: the PDF/A-2b parses and says the case number, the amount and the deadlines`, async () => {
      const approved = await approveAt(decisionId);
      expect(approved).toMatchObject({ status: 'SENT', letter: { appealDeadline: APPEAL_LAST_DAY } });

      const res = await getBytes(`/api/v1/decisions/${decisionId}/letter?format=pdf`, s.applicant.auth);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      pdf = res.body as Buffer;
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(res.headers['repr-digest']).toBe(`sha-256=:${createHash('sha256').update(pdf).digest('base64')}:`);

      read = readPdf(pdf);
      expect(read.pdfaPart).toBe('2');
      expect(read.pdfaConformance).toBe('B');
      expect(read.info).toMatchObject({ Language: lang === 'nn' ? 'nn-NO' : 'nb-NO' });
      expect(String(read.info.Title)).toContain(caseNumber);
      const text = flat(read.text);
      expect(text).toContain(caseNumber);
      // the amount as the letter writes it, on one line: the no-break spaces keep the layout from breaking it
      expect(read.text).toMatch(ONE_MILLION_ON_ONE_LINE);
      expect(toUnicodeMaps(pdf)).toMatch(/<00a0>/i);
      expect(text).toContain(`Fristen går ut ${APPEAL_WRITTEN}.`);
      expect(text).toContain(ACCEPT_WRITTEN);
      expect(text).toContain(WORDS[lang].grant);
      expect(text).toContain(WORDS[lang].appealIntro);
      for (const word of WORDS[lang].not) expect(text).not.toContain(word);
      expect(text).toContain('Riksrevisjonen');
      expect(text).toContain('Helse- og omsorgsdepartementet');
      expect(text).not.toContain('Intern merknad');
    });

    it('states the acceptance deadline as its last day, the day the grant still accepts', async () => {
      const grant = await t
        .http()
        .get(`/api/v1/grants/${(await decision()).grantId}`)
        .set(officer())
        .expect(200);
      // the grant holds the first instant after the deadline: midnight in Oslo at the end of 4 January 2027
      expect(grant.body.acceptBy).toBe('2027-01-04T23:00:00.000Z');
      const text = flat(read.text);
      const sentence =
        lang === 'nn' ? `Aksepten må vere motteken innan ${ACCEPT_WRITTEN}.` : `Aksepten må være mottatt innen ${ACCEPT_WRITTEN}.`;
      expect(text).toContain(sentence);
      expect(text).not.toContain('5. januar 2027');
    });

    it('is registered in the case journal as outgoing (U) with the SHA-256 of the bytes served', async () => {
      const entry = await journalEntry(caseNumber);
      expect(entry.document).toEqual({ mediaType: 'application/pdf', sha256: sha256(pdf) });
      expect(entry.title).toContain(WORDS[lang].grant);
      // the staff download is the same document
      const staff = await getBytes(`/api/v1/decisions/${decisionId}/letter?format=pdf`, officer());
      expect(sha256(staff.body as Buffer)).toBe(sha256(pdf));
    });

    it('serves the letter as HTML too, in the same language, with the amount and the deadline as written', async () => {
      const res = await t.http().get(`/api/v1/decisions/${decisionId}/letter?format=html`).set(s.applicant.auth);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
      const html: string = res.text;
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain(caseNumber);
      expect(html).toContain(`1${NBSP}000${NBSP}000${NBSP}kr`);
      expect(html).toContain(APPEAL_WRITTEN);
      expect(html).toContain(WORDS[lang].grant);
      expect(html).not.toContain('Intern merknad');
    });

    it('reaches the contact person by mail in the same language, with the PDF attached byte for byte', async () => {
      const mail = await decisionMail(caseNumber);
      expect(mail.text).toContain(`1${NBSP}000${NBSP}000${NBSP}kr`);
      const text = flat(mail.text ?? '');
      if (lang === 'nn') {
        expect(text).toContain('Vedtaksbrevet ligg ved som PDF.');
        expect(text).toContain('De har fått tilsegn om 1 000 000 kr.');
        expect(text).toContain(`Tilsegnet må aksepterast innan ${ACCEPT_WRITTEN}`);
        expect(text).toContain('Med venleg helsing');
      } else {
        expect(text).toContain('Vedtaksbrevet ligger vedlagt som PDF.');
        expect(text).toContain('Dere har fått tilsagn om 1 000 000 kr.');
        expect(text).toContain(`Tilsagnet må aksepteres innen ${ACCEPT_WRITTEN}`);
        expect(text).toContain('Med vennlig hilsen');
      }
      expect(text).toContain(`Klagefristen går ut ${APPEAL_WRITTEN}.`);
      expect(mail.attachments).toHaveLength(1);
      const [attached] = mail.attachments;
      expect(attached.contentType).toBe('application/pdf');
      expect(attached.filename).toBe(`vedtak-${caseNumber.replace('/', '-')}.pdf`);
      expect(attached.content.equals(pdf)).toBe(true);
      // one mail per contact person, however often the pipeline looked at it
      expect(smtp.to(CONTACT).filter((m) => m.subject.startsWith(`Vedtak i sak ${caseNumber}:`))).toHaveLength(1);
    });

    it("is the consortium's to read once sent, and nobody else's among applicants", async () => {
      const stranger = await assessedApplication(t, { pool, call });
      for (const format of ['pdf', 'html']) {
        const res = await t.http().get(`/api/v1/decisions/${decisionId}/letter?format=${format}`).set(stranger.applicant.auth);
        expect(res.status).toBe(404);
      }
      await t.http().get(`/api/v1/decisions/${decisionId}/letter?format=html`).set(s.applicant.auth).expect(200);
    });
  });

  it.each([
    { lang: 'nn' as const, lead: () => nynorsk[1], other: () => bokmal[1] },
    { lang: 'nb' as const, lead: () => bokmal[1], other: () => nynorsk[1] },
  ])(
    'a rejection (REJECTED, 0 kr) to a $lang lead: the avslagsbrev in its language, journaled and mailed with the PDF',
    async ({ lang, lead, other }) => {
      const s = await assessedApplication(t, { pool, members: [lead(), other()] });
      const caseNumber: string = s.application.caseNumber;
      // two paragraphs, as an officer writes them (a blank line between)
      const paragraphs =
        lang === 'nn'
          ? ['Søknaden fekk for låg poengsum samanlikna med dei andre søknadene i utlysinga.', 'Ramma for utlysinga er brukt opp.']
          : ['Søknaden fikk for lav poengsum sammenlignet med de andre søknadene i utlysningen.', 'Rammen for utlysningen er brukt opp.'];
      const reasons = paragraphs.join('\n\n');
      // a legal basis ending in a full stop, where the letter puts one after it
      const legalBasis = 'forskrift 12. mars 2026 nr. 400 § 3.';
      const d = await proposedDecision(t, s.application.id, { outcome: 'REJECTED', amountOre: 0, reasons, legalBasis });
      expect(d).toMatchObject({ outcome: 'REJECTED', amountOre: 0 });
      const approved = await approveAt(d.id);
      expect(approved).toMatchObject({ status: 'SENT', grantId: null, letter: { appealDeadline: APPEAL_LAST_DAY, acceptBy: null } });

      const res = await getBytes(`/api/v1/decisions/${d.id}/letter?format=pdf`, s.applicant.auth);
      expect(res.status).toBe(200);
      const pdf = res.body as Buffer;
      const read = readPdf(pdf);
      expect([read.pdfaPart, read.pdfaConformance]).toEqual(['2', 'B']);
      const text = flat(read.text);
      expect(text).toContain(caseNumber);
      expect(text).toContain('Vedtak om avslag');
      expect(text).toContain(lang === 'nn' ? 'Søknaden vert avslått.' : 'Søknaden avslås.');
      for (const p of paragraphs) expect(text).toContain(p);
      expect(text).toContain('i forskrift 12. mars 2026 nr. 400 § 3. ');
      expect(text).not.toContain('§ 3..');
      // what was applied for, as written, and no amount granted
      expect(read.text).toMatch(ONE_MILLION_ON_ONE_LINE);
      expect(text).toContain(`Fristen går ut ${APPEAL_WRITTEN}.`);
      expect(text).toContain(WORDS[lang].appealIntro);
      for (const word of WORDS[lang].not) expect(text).not.toContain(word);
      expect(text).not.toMatch(/Aksept/);

      const entry = await journalEntry(caseNumber);
      expect(entry.document?.sha256).toBe(sha256(pdf));
      expect(entry.title).toContain('Vedtak om avslag');

      const html = await t.http().get(`/api/v1/decisions/${d.id}/letter?format=html`).set(s.applicant.auth).expect(200);
      expect(html.text).toContain(`<html lang="${lang}">`);
      for (const p of paragraphs) expect(html.text).toContain(`<p>${p}</p>`);

      const mail = await decisionMail(caseNumber);
      const mailText = flat(mail.text ?? '');
      expect(mailText).toContain(lang === 'nn' ? 'Vedtaksbrevet ligg ved som PDF.' : 'Vedtaksbrevet ligger vedlagt som PDF.');
      expect(mailText).toContain('Søknaden er avslått.');
      expect(mailText).toContain(`Klagefristen går ut ${APPEAL_WRITTEN}.`);
      expect(mailText).not.toMatch(/tilsagn|tilsegn/);
      expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
        [`vedtak-${caseNumber.replace('/', '-')}.pdf`, 'application/pdf'],
      ]);
      expect(mail.attachments[0].content.equals(pdf)).toBe(true);
    },
  );

  /**
   * The pipeline under the letter mail: NotifyInput.attachments kept with the outbox row and read from file storage
   * at each send, through the real queue and the local SMTP server.
   */
  describe('notification attachments', () => {
    const FILE = Buffer.concat([
      Buffer.from('%PDF-1.7\n'),
      Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
      Buffer.from('\n%%EOF\n'),
    ]);
    let notifications: NotificationService;
    let tx: Transactions;
    let stored: StoredFile;

    beforeAll(async () => {
      notifications = t.app.get(NotificationService);
      tx = t.app.get(Transactions);
      stored = await t.app.get(FileStorage).write(Readable.from([FILE]));
    });

    const address = (what: string) => `${what}-${randomUUID().slice(0, 8)}@test.local`;
    const record = async (input: Partial<NotifyInput> & { recipients: NotifyInput['recipients'] }) => {
      const ids = await tx.run((m) =>
        notifications.record(m, {
          event: TEST_MAIL,
          entityType: 'test',
          entityId: randomUUID(),
          data: { requestedBy: 'Siri Saksbehandler' },
          ...input,
        }),
      );
      expect(ids).toHaveLength(1);
      return ids[0];
    };
    const row = async (id: string) =>
      (await t.dataSource.query(`SELECT status, attempts, last_error, attachments FROM notification WHERE id = $1`, [id]))[0] as {
        status: string;
        attempts: number;
        last_error: string | null;
        attachments: unknown;
      };
    const waitForStatus = (id: string, status: string) =>
      eventually(`notification ${id} to be ${status}`, async () => (await row(id)).status === status, { explain: () => row(id) });

    it('attaches the same stored bytes on every attempt, and the one that gets through carries them', async () => {
      const to = address('retry');
      const mail = t.app.get(MailPort);
      const spy = jest.spyOn(mail, 'send');
      try {
        smtp.failNext(2, 451, '4.3.2 Try again later', to);
        const attachment = {
          filename: 'vedtak-2026-00042.pdf',
          contentType: 'application/pdf',
          storageKey: stored.key,
          sha256: stored.sha256,
        };
        const id = await record({ recipients: [{ email: to }], attachments: [attachment] });
        expect((await row(id)).attachments).toEqual([attachment]);
        await waitForStatus(id, 'sent');
        expect((await row(id)).attempts).toBe(3);
        const tries = spy.mock.calls.map(([m]) => m).filter((m) => m.to === to);
        expect(tries).toHaveLength(3);
        for (const m of tries) {
          expect(m.attachments?.map((a) => [a.filename, a.contentType])).toEqual([['vedtak-2026-00042.pdf', 'application/pdf']]);
          expect(m.attachments?.[0].content.equals(FILE)).toBe(true);
        }
      } finally {
        spy.mockRestore();
      }
      const [arrived] = smtp.to(to);
      expect(arrived.attachments).toHaveLength(1);
      expect(arrived.attachments[0]).toMatchObject({ filename: 'vedtak-2026-00042.pdf', contentType: 'application/pdf' });
      expect(arrived.attachments[0].content.equals(FILE)).toBe(true);
    });

    it('sends nothing rather than other bytes: a file changed in storage, or gone, fails the mail at once', async () => {
      const changed = address('changed');
      const wrongHash = createHash('sha256').update('another letter').digest('hex');
      const a = await record({
        recipients: [{ email: changed }],
        attachments: [{ filename: 'vedtak.pdf', contentType: 'application/pdf', storageKey: stored.key, sha256: wrongHash }],
      });
      const gone = address('gone');
      const b = await record({
        recipients: [{ email: gone }],
        attachments: [{ filename: 'vedtak.pdf', contentType: 'application/pdf', storageKey: `2026/11/${randomUUID()}` }],
      });
      await waitForStatus(a, 'failed');
      await waitForStatus(b, 'failed');
      expect(await row(a)).toMatchObject({ attempts: 1, last_error: expect.stringContaining(`not ${wrongHash}`) });
      expect(await row(b)).toMatchObject({ attempts: 1, last_error: expect.stringContaining('is not in file storage') });
      await settled(t);
      expect(smtp.to(changed)).toEqual([]);
      expect(smtp.to(gone)).toEqual([]);
    });

    it('a recipient who chose the daily digest still gets a mail with files at once: a digest carries no files', async () => {
      const email = address('digest');
      const [user] = await t.dataSource.query(
        `INSERT INTO app_user (email, display_name, roles) VALUES ($1, 'Dagny Digest', ARRAY['applicant']) RETURNING id`,
        [email],
      );
      const auth = { Authorization: `Bearer ${await t.tokenForUser(user.id)}` };
      await t.http().patch('/api/v1/me/notification-preferences').set(auth).send({ digest: true }).expect(200);
      const reminder = (title: string) => ({
        event: DEADLINE_REMINDER,
        recipients: [{ email }],
        data: { reminder: 'none', title, deadline: '2031-06-01T12:00:00Z' },
      });
      const plain = await record(reminder('Delrapport 2030'));
      const withFile = await record({
        ...reminder('Sluttrapport 2031'),
        attachments: [{ filename: 'skjema.pdf', contentType: 'application/pdf', storageKey: stored.key, sha256: stored.sha256 }],
      });
      await waitForStatus(plain, 'digest');
      await waitForStatus(withFile, 'sent');
      const [arrived] = smtp.to(email);
      expect(arrived.subject).toContain('Sluttrapport 2031');
      expect(arrived.attachments.map((x) => x.content.equals(FILE))).toEqual([true]);
    });

    it('refuses an attachment without a storage key or with a malformed SHA-256 when it is recorded, not when it is sent', async () => {
      const attempt = (attachment: Record<string, string>) =>
        record({ recipients: [{ email: address('bad') }], attachments: [attachment as unknown as NotificationAttachment] });
      await expect(attempt({ filename: 'vedtak.pdf', contentType: 'application/pdf' })).rejects.toThrow(/no storageKey/);
      await expect(
        attempt({ filename: 'vedtak.pdf', contentType: 'application/pdf', storageKey: stored.key, sha256: 'abc' }),
      ).rejects.toThrow(/not a SHA-256/);
    });
  });
});
