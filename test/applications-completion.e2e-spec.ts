import { formatOsloDate, formatOsloNorwegian } from '../src/common/oslo-time';
import { NotificationScheduler } from '../src/notifications/notification.scheduler';
import { ReminderRegistry } from '../src/notifications/reminders';
import { createTestApp, TestApp } from './support/app';
import {
  applicantFor,
  completeDraft,
  createCall,
  createConsortium,
  createDraft,
  MunicipalityPool,
  submittedApplication,
} from './support/fixtures';
import { startSmtpServer, SmtpTestServer } from './support/smtp';
import { eventually } from './support/eventually';

const DAY_MS = 86400_000;

/**
 * A returned application's completion deadline: an officer may move it later (fristutsettelse), never earlier;
 * the applicant is told in the lead municipality's language, the case journal and the audit trail keep it; and
 * the contact persons are reminded a few days before whichever deadline holds.
 */
describe('applications: the completion deadline of a returned application', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let pool: MunicipalityPool;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, NOTIFY_RELAY_INTERVAL_MS: '200' } });
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const returnIt = (id: string, dueAt: Date) =>
    t
      .http()
      .post(`/api/v1/applications/${id}/return`)
      .set(t.auth('officer'))
      .send({ reason: 'Mangler signert samarbeidsavtale', dueAt: dueAt.toISOString() })
      .expect(200);
  const extend = (id: string, body: Record<string, unknown>, auth = t.auth('officer')) =>
    t.http().post(`/api/v1/applications/${id}/completion-deadline`).set(auth).send(body);

  it('moves the deadline later, journals and audits it, and tells the applicant in nynorsk', async () => {
    const call = await createCall(t);
    const volda = await applicantFor(t, '1577');
    const consortium = await createConsortium(t, volda.auth, '1577', ['1577', '1520'], 'Sunnmøre-samarbeidet');
    const draft = await createDraft(
      t,
      volda.auth,
      completeDraft(call.id, consortium.id, 'INNFORING', {
        title: 'Felles journal',
        contactPersons: [{ name: 'Sigrid Søre', email: 'sigrid@volda.test' }],
      }),
    );
    const submitted = await t.http().post(`/api/v1/applications/${draft.id}/submit`).set(volda.auth).expect(200);
    const first = new Date(Date.now() + 5 * DAY_MS);
    await returnIt(draft.id, first);

    const later = new Date(Date.now() + 20 * DAY_MS);
    const res = await extend(draft.id, { dueAt: later.toISOString(), reason: 'Kommunestyret i Ørsta møtest først om tre veker.' }).expect(
      200,
    );
    expect(res.body).toMatchObject({ status: 'RETURNED', editable: true, completionDueAt: later.toISOString() });

    const journal = await t
      .http()
      .get(`/api/v1/cases/${encodeURIComponent(submitted.body.caseNumber)}/journal`)
      .set(t.auth('officer'))
      .expect(200);
    expect(journal.body.entries.map((e: { direction: string; documentType: string }) => `${e.direction}:${e.documentType}`)).toEqual([
      'I:SOKNAD',
      'U:KOMPLETTERING',
      'U:FRISTUTSETTELSE',
    ]);
    expect(journal.body.entries[2].title).toMatch(/^Fristen for komplettering er utsatt til /);

    const [audit] = await t.dataSource.query(
      `SELECT diff FROM audit_event WHERE entity_id = $1 AND action = 'application.extend_completion'`,
      [draft.id],
    );
    expect(JSON.stringify(audit.diff)).toContain(first.toISOString());
    expect(JSON.stringify(audit.diff)).toContain(later.toISOString());

    await smtp.waitFor(3, 30000); // receipt, return, extension
    const mail = smtp.to('sigrid@volda.test').find((m) => m.subject.startsWith('Ny frist'))!;
    expect(mail.subject).toBe(`Ny frist for komplettering av søknad ${submitted.body.caseNumber}: ${formatOsloNorwegian(later)}`);
    expect(mail.text).toContain('er utsett. Ny frist er');
    expect(mail.text).toContain('Grunngiving: Kommunestyret i Ørsta møtest først om tre veker.');
    expect(mail.text).toContain('Med venleg helsing');

    // the applicant may still complete and resubmit by the new deadline
    await t.http().post(`/api/v1/applications/${draft.id}/submit`).set(volda.auth).expect(200);
  });

  it('a return mail sent after an extension (held up, retried) states the deadline that holds, not the first one', async () => {
    const { application } = await submittedApplication(t, {
      pool,
      draft: { contactPersons: [{ name: 'Per Purring', email: 'per.purring@example.no' }] },
    });
    const first = new Date(Date.now() + 5 * DAY_MS);
    await returnIt(application.id, first);
    // the lead municipality comes from the pool: its language decides bokmål or nynorsk, so match on what both share
    const isReturnMail = (x: string) => x.startsWith(`Søknad ${application.caseNumber} må komplett`);
    const first1 = await eventuallyMail('per.purring@example.no', isReturnMail);
    expect(first1.subject).toContain(formatOsloNorwegian(first));
    const later = new Date(Date.now() + 25 * DAY_MS);
    await extend(application.id, { dueAt: later.toISOString(), reason: 'Søkeren har bedt om mer tid.' }).expect(200);
    await eventuallyMail('per.purring@example.no', (x) => x.startsWith('Ny frist'));

    // the return mail had failed (the SMTP relay was down); an operator retries it after the extension
    const [returned] = await t.dataSource.query(`SELECT id FROM notification WHERE entity_id = $1 AND event = 'application.returned'`, [
      application.id,
    ]);
    await t.dataSource.query(`UPDATE notification SET status = 'failed', sent_at = NULL, last_error = 'SMTP relay down' WHERE id = $1`, [
      returned.id,
    ]);
    await t
      .http()
      .post(`/api/v1/notifications/${returned.id}/retry`)
      .set(t.auth('officer'))
      .expect((r) => expect(r.status).toBeLessThan(300));
    await eventually('the retried return mail', () => smtp.to('per.purring@example.no').filter((x) => isReturnMail(x.subject)).length >= 2);
    const [, resent] = smtp.to('per.purring@example.no').filter((x) => isReturnMail(x.subject));
    expect(resent.subject).toMatch(
      new RegExp(`^Søknad ${application.caseNumber} må (kompletteres innen|kompletterast innan) ${formatOsloNorwegian(later)}$`),
    );
  });

  it('never shortens a deadline, needs a future one, and only for a returned application', async () => {
    const { application } = await submittedApplication(t, { pool });
    const reason = 'Søkeren har bedt om mer tid.';
    const notReturned = await extend(application.id, { dueAt: new Date(Date.now() + 30 * DAY_MS).toISOString(), reason }).expect(409);
    expect(notReturned.body.code).toBe('INVALID_STATE_TRANSITION');

    const due = new Date(Date.now() + 10 * DAY_MS);
    await returnIt(application.id, due);
    const earlier = await extend(application.id, { dueAt: new Date(Date.now() + 5 * DAY_MS).toISOString(), reason }).expect(400);
    expect(earlier.body.errors).toEqual([expect.objectContaining({ field: 'dueAt', code: 'COMPLETION_DEADLINE_NOT_LATER' })]);
    const same = await extend(application.id, { dueAt: due.toISOString(), reason }).expect(400);
    expect(same.body.errors[0].code).toBe('COMPLETION_DEADLINE_NOT_LATER');
    const past = await extend(application.id, { dueAt: '2020-01-01T12:00', reason }).expect(400);
    expect(past.body.errors[0].code).toBe('INVALID_DUE_DATE');
    await extend(application.id, { dueAt: 'next tuesday', reason }).expect(400);
    await extend(application.id, { reason }).expect(400);

    // nothing of the refused attempts stuck
    const [row] = await t.dataSource.query(`SELECT completion_due_at FROM application WHERE id = $1`, [application.id]);
    expect(new Date(row.completion_due_at).toISOString()).toBe(due.toISOString());
    const audited = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE entity_id = $1 AND action = 'application.extend_completion'`,
      [application.id],
    );
    expect(audited[0].n).toBe(0);
  });

  it('is for officers only', async () => {
    const { application, applicant } = await submittedApplication(t, { pool });
    await returnIt(application.id, new Date(Date.now() + 5 * DAY_MS));
    const body = { dueAt: new Date(Date.now() + 30 * DAY_MS).toISOString(), reason: 'Vi trenger mer tid.' };
    // the applicant cannot give itself more time; nor can roles that do not process applications
    await extend(application.id, body, applicant.auth).expect(403);
    await extend(application.id, body, t.auth('assessor')).expect(403);
    await extend(application.id, body, t.auth('approver')).expect(403);
  });

  it('reminds the contact persons once, three days before the deadline that holds, and not after resubmission', async () => {
    const { application, applicant } = await submittedApplication(t, {
      pool,
      draft: { contactPersons: [{ name: 'Kari Frist', email: 'kari.frist@example.no' }] },
    });
    const scheduler = t.app.get(NotificationScheduler);
    const source = t.app.get(ReminderRegistry).get('completion-due')!;
    const reminders = () =>
      t.dataSource.query(
        `SELECT data->>'occurrence' AS occurrence, status FROM notification WHERE entity_id = $1 AND event = 'deadline.reminder' ORDER BY created_at`,
        [application.id],
      );
    const dueIn = (now: Date) =>
      t.dataSource.transaction(async (manager) => (await source.scan({ manager, now })).filter((d) => d.entityId === application.id));
    const stillDue = (occurrence: string) =>
      t.dataSource.transaction((manager) => source.stillDue!({ manager, entityId: application.id, occurrence, data: {} }));

    const due = new Date(Date.now() + 10 * DAY_MS);
    await returnIt(application.id, due);
    expect(await dueIn(new Date())).toEqual([]); // ten days out: not yet
    const threeDaysBefore = new Date(due.getTime() - 2 * DAY_MS);
    await scheduler.runReminders(threeDaysBefore);
    await scheduler.runReminders(threeDaysBefore); // a second scan (another worker, a repeated fire) adds nothing
    expect(await reminders()).toHaveLength(1);
    const mail = await eventuallyMail('kari.frist@example.no', (x) => x.startsWith('Påmin'));
    // "Påminnelse" in bokmål, "Påminning" in nynorsk: the lead municipality comes from the pool
    expect(mail.subject).toMatch(
      new RegExp(`^Påmin(nelse|ning): komplettering av søknad ${application.caseNumber} – frist ${formatOsloDate(due)}$`),
    );
    expect(mail.text).toContain('Kari Frist');

    // moved later: a reminder recorded for the old deadline (not sent yet, say) is no longer due; the new one gets its own
    const later = new Date(due.getTime() + 14 * DAY_MS);
    expect(await stillDue(`${due.toISOString()}:3d`)).toBe(true);
    await extend(application.id, { dueAt: later.toISOString(), reason: 'Mer tid til politisk behandling.' }).expect(200);
    expect(await stillDue(`${due.toISOString()}:3d`)).toBe(false);
    expect(await stillDue(`${later.toISOString()}:3d`)).toBe(true);
    expect(await dueIn(threeDaysBefore)).toEqual([]);
    await scheduler.runReminders(new Date(later.getTime() - 2 * DAY_MS));
    expect((await reminders()).map((r: { occurrence: string }) => r.occurrence)).toEqual([
      `${due.toISOString()}:3d`,
      `${later.toISOString()}:3d`,
    ]);

    // resubmitted: nothing more is due, and a reminder still waiting would be skipped
    await t.http().post(`/api/v1/applications/${application.id}/submit`).set(applicant.auth).expect(200);
    expect(await dueIn(new Date(later.getTime() - DAY_MS))).toEqual([]);
    expect(await stillDue(`${later.toISOString()}:3d`)).toBe(false);
  });

  it('sends no reminder for a deadline given with less notice than the reminder lead time: the return mail was the notice', async () => {
    const { application } = await submittedApplication(t, { pool });
    const due = new Date(Date.now() + 2 * DAY_MS);
    await returnIt(application.id, due);
    const source = t.app.get(ReminderRegistry).get('completion-due')!;
    const found = await t.dataSource.transaction(async (manager) =>
      (await source.scan({ manager, now: new Date(due.getTime() - DAY_MS) })).filter((d) => d.entityId === application.id),
    );
    expect(found).toEqual([]);
  });

  const eventuallyMail = (to: string, subject: (s: string) => boolean) =>
    eventually(`a mail to ${to}`, () => smtp.to(to).find((x) => subject(x.subject)), { explain: () => smtp.to(to).map((x) => x.subject) });
});
