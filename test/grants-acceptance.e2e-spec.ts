import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { osloDate } from '../src/common/legal-deadline';
import { formatOsloDate } from '../src/common/oslo-time';
import { GrantAcceptanceService } from '../src/grants/grant-acceptance.service';
import { ACCEPTANCE_REMINDER } from '../src/grants/grant-notifications';
import { NotificationScheduler } from '../src/notifications/notification.scheduler';
import { ReminderRegistry } from '../src/notifications/reminders';
import { FileStorage } from '../src/storage/storage.port';
import { createTestApp, TestApp } from './support/app';
import { auditRows } from './support/auth';
import { assessedApplication, municipalitiesWritingIn, proposedDecision } from './support/decisions';
import { eventually, settled } from './support/eventually';
import { applicantFor, createCall, docxBytes, MunicipalityPool, pdfBytes, setClock } from './support/fixtures';
import { startSmtpServer, SmtpTestServer } from './support/smtp';

const KR = 100;
const DAY_MS = 86400_000;
const CONTACT = 'kari.kontakt@test.local';

interface GrantBody {
  id: string;
  status: string;
  amountOre: number;
  caseNumber: string;
  callId: string;
  acceptBy: string;
  acceptance: {
    acceptedAt: string;
    name: string;
    title: string;
    channel: string;
    documentSha256: string | null;
    signedOn: string | null;
  } | null;
}

/**
 * Acceptance of a grant (issue 11): the lead municipality's applicant accepts before the deadline, or an officer
 * records an acceptance signed outside the system; either is an inbound journal entry and makes the grant ACTIVE.
 * The contacts are reminded before the deadline; at the deadline an unaccepted grant lapses and frees its amount.
 */
describe('grants: acceptance, the reminder and the lapse', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let pool: MunicipalityPool;
  const officer = () => t.auth('officer');
  const approver = () => t.auth('approver');

  beforeAll(async () => {
    smtp = await startSmtpServer();
    // the in-process sweep behind the scheduled job runs often, so the last test sees a grant lapse by itself
    t = await createTestApp({ env: { SMTP_URL: smtp.url, NOTIFY_RELAY_INTERVAL_MS: '200', SCHEDULE_CHECK_INTERVAL_MS: '500' } });
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** An approved decision's grant, awaiting acceptance, with the lead's applicant and the members. */
  async function awaitingGrant(opts: { call?: { id: string; measureCode: string }; requestedOre?: number; members?: string[] } = {}) {
    const members = opts.members ?? pool.take(2);
    const s = await assessedApplication(t, { pool, call: opts.call, members, requestedOre: opts.requestedOre ?? 400_000 * KR });
    const d = await proposedDecision(t, s.application.id);
    const ok = await t.http().post(`/api/v1/decisions/${d.id}/approve`).set(approver()).send({});
    if (ok.status !== 200) throw new Error(`approve: ${ok.status} ${JSON.stringify(ok.body)}`);
    const grant = (await t.http().get(`/api/v1/grants/${ok.body.grantId}`).set(officer()).expect(200)).body as GrantBody;
    return { ...s, members, decision: ok.body, grant };
  }

  const accept = (
    id: string,
    auth: { Authorization: string },
    body: Record<string, unknown> = { name: 'Kari Nordmann', title: 'Kommunedirektør' },
  ) => t.http().post(`/api/v1/grants/${id}/accept`).set(auth).send(body);
  const journal = async (caseNumber: string) =>
    (await t.http().get(`/api/v1/cases/${caseNumber}/journal`).set(officer()).expect(200)).body.entries as Array<{
      direction: string;
      documentType: string;
      title: string;
      counterpart: string | null;
      registeredBy: string | null;
      document: { mediaType: string; sha256: string } | null;
    }>;
  const committed = async (callId: string) =>
    Number((await t.dataSource.query(`SELECT committed_ore::text AS c FROM call WHERE id = $1`, [callId]))[0].c);
  const mailsAbout = (caseNumber: string, subject: RegExp) =>
    smtp.to(CONTACT).filter((m) => m.subject.includes(caseNumber) && subject.test(m.subject));

  it("the lead municipality's applicant accepts on the last day: ACTIVE, who accepted kept, an inbound journal entry and the audit", async () => {
    const { grant, applicant, members } = await awaitingGrant();
    expect(grant).toMatchObject({ status: 'AWAITING_ACCEPTANCE', acceptance: null });
    const member = await applicantFor(t, members[1]);
    const stranger = await applicantFor(t, pool.take(1)[0]);

    // a member that is not the lead reads the grant, but does not accept for the consortium
    await t.http().get(`/api/v1/grants/${grant.id}`).set(member.auth).expect(200);
    const notLead = await accept(grant.id, member.auth);
    expect(notLead.status).toBe(403);
    expect(notLead.body.code).toBe('ONLY_LEAD_ACCEPTS');
    // another municipality's applicant does not learn the grant exists, whatever it sends
    for (const body of [{ name: 'X', title: 'Y' }, {}]) {
      const other = await accept(grant.id, stranger.auth, body);
      expect(other.status).toBe(404);
    }
    // staff hold no acceptance right
    expect((await accept(grant.id, officer())).status).toBe(403);
    const blank = await accept(grant.id, applicant.auth, { name: '   ', title: 'Kommunedirektør' });
    expect(blank.status).toBe(400);
    expect(blank.body.errors.map((e: { field: string }) => e.field)).toEqual(['name']);

    // the last millisecond of the last day (Oslo) is still in time
    const restore = setClock(t, new Date(new Date(grant.acceptBy).getTime() - 1));
    let res;
    try {
      res = await accept(grant.id, applicant.auth, { name: ' Kari Nordmann ', title: 'Kommunedirektør' });
    } finally {
      restore();
    }
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: grant.id,
      status: 'ACTIVE',
      acceptance: { name: 'Kari Nordmann', title: 'Kommunedirektør', channel: 'ONLINE', documentSha256: null, signedOn: null },
    });
    const [row] = await t.dataSource.query(`SELECT accepted_by_user FROM grant_award WHERE id = $1`, [grant.id]);
    expect(row.accepted_by_user).toBe(applicant.userId);

    const entries = await journal(grant.caseNumber);
    const inbound = entries.filter((e) => e.direction === 'I' && e.documentType === 'AKSEPT');
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ registeredBy: applicant.userId, document: null });
    expect(inbound[0].title).toMatch(/^Aksept av tilsagn/);
    expect(inbound[0].counterpart).toBeTruthy();

    const audit = await auditRows(t, `entity_type = 'grant' AND entity_id = $1 AND action = 'grant.accept'`, [grant.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_user_id).toBe(applicant.userId);
    expect(audit[0].diff).toMatchObject({ status: { before: 'AWAITING_ACCEPTANCE', after: 'ACTIVE' }, channel: { after: 'ONLINE' } });

    // accepted once: a second acceptance is a conflict, not a second journal entry
    const again = await accept(grant.id, applicant.auth);
    expect(again.status).toBe(409);
    expect((await journal(grant.caseNumber)).filter((e) => e.direction === 'I' && e.documentType === 'AKSEPT')).toHaveLength(1);
  });

  it('refuses an acceptance once the deadline has passed, with the deadline in the problem', async () => {
    const { grant, applicant } = await awaitingGrant();
    const restore = setClock(t, grant.acceptBy);
    try {
      const late = await accept(grant.id, applicant.auth);
      expect(late.status).toBe(422);
      expect(late.body).toMatchObject({ code: 'ACCEPTANCE_DEADLINE_PASSED', acceptBy: grant.acceptBy });
      expect(late.body.lastDay).toBe(osloDay(new Date(new Date(grant.acceptBy).getTime() - 1)));
    } finally {
      restore();
    }
    const [row] = await t.dataSource.query(`SELECT status, accepted_at FROM grant_award WHERE id = $1`, [grant.id]);
    expect(row.accepted_at).toBeNull();
  });

  it('an officer records an acceptance signed outside the system: the PDF kept, its SHA-256 with the grant and in the journal', async () => {
    const { grant, applicant } = await awaitingGrant();
    const url = `/api/v1/grants/${grant.id}/signed-acceptance`;
    const signed = pdfBytes(4096);
    const sha256 = createHash('sha256').update(signed).digest('hex');
    const send = (auth: { Authorization: string }, file?: { bytes: Buffer; name: string }, fields: Record<string, string> = {}) => {
      let req = t.http().post(url).set(auth).field('name', 'Ola Nordmann').field('title', 'Ordfører');
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      return file ? req.attach('file', file.bytes, file.name) : req;
    };

    // for officers only: the applicant accepts online instead, the approver does not record
    expect((await send(applicant.auth, { bytes: signed, name: 'aksept.pdf' })).status).toBe(403);
    expect((await send(approver(), { bytes: signed, name: 'aksept.pdf' })).status).toBe(403);
    expect((await t.http().post('/api/v1/grants/00000000-0000-4000-8000-000000000000/signed-acceptance').set(officer())).status).toBe(404);

    const storedFiles = () =>
      readdirSync(join(t.dataDir, 'uploads'), { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).length;
    const before = storedFiles();
    const missing = await send(officer());
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'file', code: 'DOCUMENT_REQUIRED' })]);
    const word = await send(officer(), { bytes: docxBytes(), name: 'aksept.docx' });
    expect(word.status).toBe(415);
    expect(word.body.code).toBe('DOCUMENT_NOT_PDF');
    const fake = await send(officer(), { bytes: Buffer.from('not a pdf at all'), name: 'aksept.pdf' });
    expect(fake.status).toBe(415);
    expect(fake.body.code).toBe('CONTENT_DOES_NOT_MATCH_NAME');
    const future = await send(officer(), { bytes: signed, name: 'aksept.pdf' }, { signedOn: '2999-01-01' });
    expect(future.status).toBe(400);
    expect(future.body.errors).toEqual([expect.objectContaining({ field: 'signedOn', code: 'SIGNED_ON_OUT_OF_RANGE' })]);
    const bad = await send(officer(), { bytes: signed, name: 'aksept.pdf' }, { signedOn: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect((await t.http().get(`/api/v1/grants/${grant.id}`).set(officer())).body.status).toBe('AWAITING_ACCEPTANCE');
    // a refused document is not kept, whichever check refused it
    expect(storedFiles()).toBe(before);

    const today = osloDay(new Date());
    const ok = await send(officer(), { bytes: signed, name: 'aksept signert.pdf' }, { signedOn: today });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'ACTIVE',
      acceptance: { name: 'Ola Nordmann', title: 'Ordfører', channel: 'SIGNED_DOCUMENT', documentSha256: sha256, signedOn: today },
    });

    const entry = (await journal(grant.caseNumber)).find((e) => e.direction === 'I' && e.documentType === 'AKSEPT');
    expect(entry).toMatchObject({ registeredBy: t.userIds.officer, document: { mediaType: 'application/pdf', sha256 } });
    // the stored document is the one sent
    const [row] = await t.dataSource.query(`SELECT acceptance_document_key AS key FROM grant_award WHERE id = $1`, [grant.id]);
    const stored = await t.app.get(FileStorage).readRange(row.key, 0, signed.length);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(sha256);

    // accepted: neither channel accepts again
    expect((await send(officer(), { bytes: signed, name: 'aksept.pdf' })).status).toBe(409);
    expect((await accept(grant.id, applicant.auth)).status).toBe(409);
  });

  it('reminds the contact persons once, in the lead municipality’s language, some days before the deadline', async () => {
    const members = await municipalitiesWritingIn(t, 'Nynorsk', 2);
    const { grant, applicant } = await awaitingGrant({ members });
    const acceptBy = new Date(grant.acceptBy);
    const scheduler = t.app.get(NotificationScheduler);
    const source = t.app.get(ReminderRegistry).get(ACCEPTANCE_REMINDER)!;
    const reminders = () =>
      t.dataSource.query(`SELECT id FROM notification WHERE entity_id = $1 AND event = 'grant.acceptance_reminder'`, [grant.id]);
    const due = (now: Date) =>
      t.dataSource.transaction(async (manager) => (await source.scan({ manager, now })).filter((d) => d.entityId === grant.id));

    // the demo rules remind 5 days before: not 6 days before, and not after the deadline
    expect(await due(new Date(acceptBy.getTime() - 6 * DAY_MS))).toEqual([]);
    expect(await due(acceptBy)).toEqual([]);
    const fiveDaysBefore = new Date(acceptBy.getTime() - 5 * DAY_MS + 3600_000);
    expect(await due(fiveDaysBefore)).toHaveLength(1);

    await scheduler.runReminders(new Date(acceptBy.getTime() - 6 * DAY_MS));
    expect(await reminders()).toHaveLength(0);
    await scheduler.runReminders(fiveDaysBefore);
    await scheduler.runReminders(fiveDaysBefore); // a second scan (another worker, a repeated fire) adds nothing
    await scheduler.runReminders(new Date(acceptBy.getTime() - DAY_MS)); // nor does a later one before the deadline
    expect(await reminders()).toHaveLength(1);

    const lastDay = formatOsloDate(new Date(acceptBy.getTime() - 1));
    const mail = await eventually('the reminder', () => mailsAbout(grant.caseNumber, /^Påminning/)[0], {
      explain: () => smtp.to(CONTACT).map((m) => m.subject),
    });
    expect(mail.subject).toBe(`Påminning: tilsegn i sak ${grant.caseNumber} må aksepterast innan ${lastDay}`);
    expect(mail.text).toContain('Kari Kontakt');
    expect(mail.text).toContain('400\u00a0000\u00a0kr');

    // accepted: nothing is due any more
    await accept(grant.id, applicant.auth).expect(200);
    expect(await due(fiveDaysBefore)).toEqual([]);
    await settled(t);
    expect(mailsAbout(grant.caseNumber, /^Påminning/)).toHaveLength(1);
  });

  it('a lapsed, unaccepted grant frees its amount: a decision refused for lack of budget can then be approved', async () => {
    const call = await createCall(t, { budgetOre: 1_000_000 * KR });
    const a = await awaitingGrant({ call, requestedOre: 600_000 * KR });
    const b = await assessedApplication(t, { pool, call, requestedOre: 500_000 * KR });
    const db = await proposedDecision(t, b.application.id);
    const refused = await t.http().post(`/api/v1/decisions/${db.id}/approve`).set(approver()).send({});
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'BUDGET_EXCEEDED', remainingOre: 400_000 * KR });
    expect(await committed(call.id)).toBe(600_000 * KR);

    const sweep = t.app.get(GrantAcceptanceService);
    const acceptBy = new Date(a.grant.acceptBy);
    // on the last day the grant still stands
    expect(await sweep.lapseDue(new Date(acceptBy.getTime() - 1))).not.toContain(a.grant.id);
    expect((await t.dataSource.query(`SELECT status FROM grant_award WHERE id = $1`, [a.grant.id]))[0].status).toBe('AWAITING_ACCEPTANCE');

    const restore = setClock(t, new Date(acceptBy.getTime() + 60_000));
    try {
      // two sweeps at once (two workers): the grant lapses once
      const runs = await Promise.all([sweep.lapseDue(), sweep.lapseDue()]);
      expect(runs.flat().filter((id) => id === a.grant.id).length).toBeLessThanOrEqual(1);
      const late = await accept(a.grant.id, a.applicant.auth);
      expect(late.status).toBe(422);
      expect(late.body.code).toBe('ACCEPTANCE_DEADLINE_PASSED');
    } finally {
      restore();
    }

    const lapsed = (await t.http().get(`/api/v1/grants/${a.grant.id}`).set(a.applicant.auth).expect(200)).body as GrantBody;
    expect(lapsed).toMatchObject({ status: 'LAPSED', acceptance: null });
    expect(await committed(call.id)).toBe(0);
    const transitions = await t.dataSource.query(
      `SELECT event, actor_user_id FROM state_transition WHERE entity_type = 'grant' AND entity_id = $1 AND event = 'lapse'`,
      [a.grant.id],
    );
    expect(transitions).toEqual([{ event: 'lapse', actor_user_id: null }]);
    const audit = await auditRows(t, `entity_type = 'grant' AND entity_id = $1 AND action = 'grant.lapse'`, [a.grant.id]);
    expect(audit.map((r) => r.actor_label)).toEqual(['system']);
    const notes = (await journal(a.grant.caseNumber)).filter((e) => e.direction === 'N' && e.documentType === 'NOTAT');
    expect(notes.map((e) => e.title)).toEqual([
      `Tilsagnet har falt bort: ikke akseptert innen fristen ${formatOsloDate(new Date(acceptBy.getTime() - 1))}`,
    ]);
    const mail = await eventually('the lapse notice', () => mailsAbout(a.grant.caseNumber, /(falt|falle) bort/)[0], {
      explain: () => smtp.to(CONTACT).map((m) => m.subject),
    });
    expect(mail.text).toContain('600\u00a0000\u00a0kr');

    // the amount is free again: B is approved now
    const approved = await t.http().post(`/api/v1/decisions/${db.id}/approve`).set(approver()).send({});
    expect(approved.status).toBe(200);
    expect(await committed(call.id)).toBe(500_000 * KR);
    // a later sweep leaves the lapsed grant (and B's fresh one) alone
    expect(await sweep.lapseDue()).not.toContain(a.grant.id);
    expect(await committed(call.id)).toBe(500_000 * KR);
  });

  it('lets a grant lapse by itself once its deadline has passed: the scheduled sweep, nothing called by the test', async () => {
    const call = await createCall(t, { budgetOre: 1_000_000 * KR });
    const { grant } = await awaitingGrant({ call });
    expect(await committed(call.id)).toBe(400_000 * KR);
    const restore = setClock(t, new Date(new Date(grant.acceptBy).getTime() + 1000));
    try {
      await eventually(
        'the grant to lapse',
        async () => (await t.dataSource.query(`SELECT status FROM grant_award WHERE id = $1`, [grant.id]))[0].status === 'LAPSED',
        { timeoutMs: 20_000 },
      );
    } finally {
      restore();
    }
    expect(await committed(call.id)).toBe(0);
  });
});

/** YYYY-MM-DD of the instant in Oslo. */
const osloDay = (d: Date) => osloDate(d).toString();
