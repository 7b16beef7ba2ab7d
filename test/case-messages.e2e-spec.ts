import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { createTestApp, TestApp } from './support/app';
import { municipalitiesWritingIn } from './support/decisions';
import { settled } from './support/eventually';
import { applicantFor, MunicipalityPool, pdfBytes, submittedApplication } from './support/fixtures';
import { OpenApiDocument, operationFor, schemaErrors } from './support/openapi';
import { startSmtpServer, SmtpTestServer } from './support/smtp';

/**
 * Messages in the case (issue 14): the consortium and the staff write to each other, staff keep internal notes, each
 * a journal entry with its direction, each told to the other side through the outbox (digest and language of the
 * recipient), and the staff see one time line of the case.
 */
describe('messages in the case', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let doc: OpenApiDocument;
  let pool: MunicipalityPool;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, NOTIFY_RELAY_INTERVAL_MS: '200' } });
    doc = (await t.http().get('/api/docs-json').expect(200)).body;
    pool = await MunicipalityPool.create(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const url = (caseNumber: string, rest = 'messages') => `/api/v1/cases/${encodeURIComponent(caseNumber)}/${rest}`;

  /** The body held to the OpenAPI schema documented for this answer. */
  const conforms = (res: Response): any => {
    const { method, path } = (res as unknown as { req: { method: string; path: string } }).req;
    const found = operationFor(doc, method, path);
    const documented = found?.operation.responses[String(res.status)];
    expect({ at: `${method} ${path} ${res.status}`, documented: !!documented }).toEqual({
      at: `${method} ${path} ${res.status}`,
      documented: true,
    });
    const [, media] = Object.entries(documented!.content ?? {})[0] ?? [];
    if (media?.schema) expect(schemaErrors(doc, media.schema, res.body, '$', res.status < 400)).toEqual([]);
    return res;
  };

  /** A submitted application found eligible (the officer is then one of the case's staff). */
  async function eligibleCase(members = pool.take(2)) {
    const s = await submittedApplication(t, { pool, members });
    await t
      .http()
      .post(`/api/v1/applications/${s.application.id}/formal-check`)
      .set(t.auth('officer'))
      .send({ outcome: 'eligible' })
      .expect(200);
    return { ...s, members, caseNumber: s.application.caseNumber as string };
  }

  const outbox = (
    messageId: string,
  ): Promise<
    Array<{ recipient_email: string; recipient_user_id: string | null; status: string; language: string | null; subject: string | null }>
  > =>
    t.dataSource.query(
      `SELECT recipient_email, recipient_user_id, status, language, subject FROM notification WHERE event = 'case.message' AND entity_id = $1 ORDER BY recipient_email`,
      [messageId],
    );

  it('lets the consortium and the staff write to each other, with files, each a journal entry with its direction', async () => {
    const c = await eligibleCase();
    const fromConsortium = conforms(
      await t
        .http()
        .post(url(c.caseNumber))
        .set(c.applicant.auth)
        .send({ subject: 'Spørsmål om budsjett', body: 'Kan vi flytte midler?' })
        .expect(201),
    );
    expect(fromConsortium.body).toMatchObject({
      audience: 'CONSORTIUM',
      from: 'CONSORTIUM',
      direction: 'I',
      subject: 'Spørsmål om budsjett',
      attachments: [],
    });

    const pdf = pdfBytes(3000);
    const fromStaff = conforms(
      await t
        .http()
        .post(url(c.caseNumber))
        .set(t.auth('officer'))
        .field('body', 'Ja, send en endringssøknad. Se vedlagt veileder.')
        .attach('files', pdf, 'veileder.pdf')
        .expect(201),
    );
    expect(fromStaff.body).toMatchObject({ audience: 'CONSORTIUM', from: 'STAFF', direction: 'U', subject: null });
    expect(fromStaff.body.attachments).toEqual([expect.objectContaining({ filename: 'veileder.pdf', fileType: 'pdf', sizeBytes: 3000 })]);

    // a member municipality's applicant (not the lead) reads the thread and answers too
    const member = await applicantFor(t, c.members[1]);
    await t.http().post(url(c.caseNumber)).set(member.auth).send({ body: 'Takk!' }).expect(201);

    const thread = conforms(await t.http().get(url(c.caseNumber)).set(c.applicant.auth).expect(200));
    expect(thread.body.items.map((m: { direction: string; body: string }) => [m.direction, m.body])).toEqual([
      ['I', 'Kan vi flytte midler?'],
      ['U', 'Ja, send en endringssøknad. Se vedlagt veileder.'],
      ['I', 'Takk!'],
    ]);
    const file = await t
      .http()
      .get(url(c.caseNumber, `messages/${fromStaff.body.id}/attachments/${fromStaff.body.attachments[0].id}`))
      .set(member.auth)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(file.body as Buffer, pdf)).toBe(0);

    // the journal: each message an entry, inbound from the consortium and outbound from staff, in order
    const journal = await t.http().get(url(c.caseNumber, 'journal')).set(t.auth('officer')).expect(200);
    const messages = journal.body.entries.filter((e: { documentType: string }) => e.documentType === 'MELDING');
    expect(messages.map((e: { direction: string; title: string; entryNumber: string }) => [e.direction, e.title, e.entryNumber])).toEqual([
      ['I', 'Spørsmål om budsjett', fromConsortium.body.entryNumber],
      ['U', `Melding til ${c.consortium.name}`, fromStaff.body.entryNumber],
      ['I', `Melding fra ${c.consortium.name}`, expect.any(String)],
    ]);
  });

  it('keeps internal notes among staff: journaled as N, never in the consortium’s thread', async () => {
    const c = await eligibleCase();
    const note = conforms(
      await t
        .http()
        .post(url(c.caseNumber, 'notes'))
        .set(t.auth('approver'))
        .field('body', 'Usikker på kapasiteten.')
        .attach('files', pdfBytes(), 'notat.pdf')
        .expect(201),
    );
    expect(note.body).toMatchObject({ audience: 'INTERNAL', direction: 'N', from: 'STAFF' });
    await t.http().post(url(c.caseNumber)).set(t.auth('officer')).send({ body: 'Til konsortiet' }).expect(201);

    expect(
      (await t.http().get(url(c.caseNumber)).set(c.applicant.auth).expect(200)).body.items.map((m: { body: string }) => m.body),
    ).toEqual(['Til konsortiet']);
    const notes = conforms(await t.http().get(url(c.caseNumber, 'notes')).set(t.auth('officer')).expect(200));
    expect(notes.body.items.map((m: { body: string }) => m.body)).toEqual(['Usikker på kapasiteten.']);
    await t.http().get(url(c.caseNumber, 'notes')).set(t.auth('auditor')).expect(200);
    // applicants neither read nor write notes, nor reach a note's file through the message route
    await t.http().get(url(c.caseNumber, 'notes')).set(c.applicant.auth).expect(403);
    await t.http().post(url(c.caseNumber, 'notes')).set(c.applicant.auth).send({ body: 'x' }).expect(403);
    await t
      .http()
      .get(url(c.caseNumber, `messages/${note.body.id}/attachments/${note.body.attachments[0].id}`))
      .set(c.applicant.auth)
      .expect(404);
    await t
      .http()
      .get(url(c.caseNumber, `messages/${note.body.id}/attachments/${note.body.attachments[0].id}`))
      .set(t.auth('officer'))
      .expect(200);

    const journal = await t.http().get(url(c.caseNumber, 'journal')).set(t.auth('officer')).expect(200);
    expect(journal.body.entries.find((e: { entryNumber: string }) => e.entryNumber === note.body.entryNumber)).toMatchObject({
      direction: 'N',
      documentType: 'NOTAT',
      title: 'Internt notat',
      counterpart: null,
    });
  });

  it('answers 404 to another consortium and to assessors and evaluators, whatever the application lets them read', async () => {
    const c = await eligibleCase();
    const sent = await t
      .http()
      .post(url(c.caseNumber))
      .set(t.auth('officer'))
      .field('body', 'Hei')
      .attach('files', pdfBytes(), 'a.pdf')
      .expect(201);
    const other = await eligibleCase();
    const stranger = other.applicant.auth;

    const unknown = await t.http().get(url('2001/99999')).set(stranger).expect(404);
    const theirs = conforms(await t.http().get(url(c.caseNumber)).set(stranger).expect(404));
    expect({ ...theirs.body, detail: undefined, instance: undefined, requestId: undefined }).toEqual({
      ...unknown.body,
      detail: undefined,
      instance: undefined,
      requestId: undefined,
    });
    await t.http().post(url(c.caseNumber)).set(stranger).send({ body: 'Kapret' }).expect(404);
    await t.http().post(url(c.caseNumber)).set(stranger).attach('files', pdfBytes(), 'x.pdf').field('body', 'x').expect(404);
    await t
      .http()
      .get(url(c.caseNumber, `messages/${sent.body.id}/attachments/${sent.body.attachments[0].id}`))
      .set(stranger)
      .expect(404);
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM case_message WHERE case_number = $1`, [c.caseNumber]))[0].n)).toBe(
      1,
    );

    // an assessor with a declared assignment reads the application, never the messages
    const assigned = await t
      .http()
      .post(`/api/v1/applications/${c.application.id}/assignments`)
      .set(t.auth('officer'))
      .send({ assessorId: t.userIds.assessor })
      .expect(201);
    await t
      .http()
      .post(`/api/v1/assignments/${assigned.body.id}/declaration`)
      .set(t.auth('assessor'))
      .send({ conflict: false })
      .expect(200);
    await t.http().get(`/api/v1/assignments/${assigned.body.id}/application`).set(t.auth('assessor')).expect(200);
    await t.http().get(url(c.caseNumber)).set(t.auth('assessor')).expect(404);
    await t
      .http()
      .get(url(c.caseNumber, `messages/${sent.body.id}/attachments/${sent.body.attachments[0].id}`))
      .set(t.auth('assessor'))
      .expect(404);
    await t.http().post(url(c.caseNumber)).set(t.auth('assessor')).send({ body: 'Hei' }).expect(403);
    await t.http().get(url(c.caseNumber, 'notes')).set(t.auth('assessor')).expect(403);
    await t.http().get(url(c.caseNumber)).set(t.auth('evaluator')).expect(404);
  });

  it('tells the other side through the outbox: digest preferences and the recipient’s language hold', async () => {
    const [lead, second] = await municipalitiesWritingIn(t, 'Nynorsk', 2);
    const c = await eligibleCase([lead, second]);
    const member = await applicantFor(t, second);
    // the member's applicant wants a daily digest; the lead's applicant mail at once
    await t.http().patch('/api/v1/me/notification-preferences').set(member.auth).send({ digest: true }).expect(200);

    const toConsortium = await t
      .http()
      .post(url(c.caseNumber))
      .set(t.auth('officer'))
      .send({ body: 'Vi treng meir informasjon.' })
      .expect(201);
    await settled(t);
    const rows = await outbox(toConsortium.body.id);
    const byUser = new Map(rows.map((r) => [r.recipient_user_id, r]));
    expect(byUser.get(c.applicant.userId)).toMatchObject({
      status: 'sent',
      language: 'nn',
      subject: `Ny melding frå Helseteknologiordninga i sak ${c.caseNumber}`,
    });
    expect(byUser.get(member.userId)).toMatchObject({ status: 'digest', language: 'nn' });
    expect(byUser.has(t.userIds.officer)).toBe(false);
    expect(smtp.to(c.applicant.email).map((m) => m.subject)).toContain(`Ny melding frå Helseteknologiordninga i sak ${c.caseNumber}`);
    expect(smtp.to(member.email)).toEqual([]);

    // the consortium's answer goes to the case's staff (the officer who checked it), not to the consortium
    const answer = await t.http().post(url(c.caseNumber)).set(member.auth).send({ body: 'Her er svaret.' }).expect(201);
    await settled(t);
    const staff = await outbox(answer.body.id);
    expect(staff.map((r) => r.recipient_user_id)).toEqual([t.userIds.officer]);
    expect(staff[0]).toMatchObject({ status: 'sent', language: 'nb', subject: `Ny melding fra konsortiet i sak ${c.caseNumber}` });

    // a note tells the case's other staff only
    const note = await t.http().post(url(c.caseNumber, 'notes')).set(t.auth('approver')).send({ body: 'Sjå på dette.' }).expect(201);
    await settled(t);
    expect((await outbox(note.body.id)).map((r) => r.recipient_user_id)).toEqual([t.userIds.officer]);
  });

  it('refuses a file that is not a document, too many files and a blank message, leaving no file behind', async () => {
    const c = await eligibleCase();
    const uploads = join(t.dataDir, 'uploads');
    const stored = () =>
      existsSync(uploads) ? readdirSync(uploads, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0;
    const before = stored();
    const post = () => t.http().post(url(c.caseNumber)).set(c.applicant.auth);

    const bad = await post()
      .field('body', 'Se vedlegg')
      .attach('files', pdfBytes(), 'ok.pdf')
      .attach('files', Buffer.from('MZ not a document'), 'virus.pdf')
      .expect(415);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    let many = post().field('body', 'Mange');
    for (let i = 0; i < 6; i++) many = many.attach('files', pdfBytes(), `f${i}.pdf`);
    await many.expect(400);
    await post().field('body', ' ').attach('files', pdfBytes(), 'ok.pdf').expect(400);
    const blank = await post().send({ body: '   ' }).expect(400);
    expect(blank.body.errors.map((e: { field: string }) => e.field)).toEqual(['body']);
    // no audience to pick: the route decides
    await post().send({ body: 'x', audience: 'INTERNAL' }).expect(400);

    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM case_message WHERE case_number = $1`, [c.caseNumber]))[0].n)).toBe(
      0,
    );
    expect(stored()).toBe(before);
  });

  it('gives staff one time line of the case: journal entries, transitions and messages in order, paged', async () => {
    const c = await eligibleCase();
    const msg = await t.http().post(url(c.caseNumber)).set(c.applicant.auth).send({ body: 'Hei' }).expect(201);
    const note = await t.http().post(url(c.caseNumber, 'notes')).set(t.auth('officer')).send({ body: 'Notat' }).expect(201);

    const all = conforms(await t.http().get(url(c.caseNumber, 'activity')).set(t.auth('officer')).expect(200));
    const line = all.body.items.map((i: { kind: string; event: string | null; documentType: string | null; messageId: string | null }) =>
      i.kind === 'TRANSITION' ? `T:${i.event}` : i.kind === 'MESSAGE' ? `M:${i.messageId}` : `J:${i.documentType}`,
    );
    // each step's transition and journal entry are written together, in whichever order their clocks put them
    expect([line.slice(0, 2).sort(), line.slice(2, 4).sort(), line.slice(4)]).toEqual([
      ['J:SOKNAD', 'T:submit'],
      ['J:FORMALIA', 'T:accept_formally'],
      [`M:${msg.body.id}`, `M:${note.body.id}`],
    ]);
    const times = all.body.items.map((i: { at: string }) => i.at);
    expect([...times].sort()).toEqual(times);

    // page by page, the same line
    const paged: unknown[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await t
        .http()
        .get(url(c.caseNumber, 'activity'))
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(t.auth('approver'))
        .expect(200);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.body.items);

    await t.http().get(url(c.caseNumber, 'activity')).set(t.auth('auditor')).expect(200);
    await t.http().get(url(c.caseNumber, 'activity')).set(c.applicant.auth).expect(403);
    await t.http().get(url(c.caseNumber, 'activity')).set(t.auth('assessor')).expect(403);
    await t.http().get(url(c.caseNumber, 'activity')).query({ cursor: 'bm9wZQ' }).set(t.auth('officer')).expect(400);
    await t.http().get(url('2001/99999', 'activity')).set(t.auth('officer')).expect(404);
  });
});
