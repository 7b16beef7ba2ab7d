import { createTestApp, TestApp } from './support/app';
import { applicantFor, Auth, createCall, MunicipalityPool, pdfBytes, setClock } from './support/fixtures';
import { assessedApplication, municipalitiesWritingIn, proposedDecision } from './support/decisions';
import { eventually } from './support/eventually';
import { startSmtpServer, SmtpTestServer } from './support/smtp';

const KR = 100;

describe('appeals (klage): deadlines, reversal through four eyes, forwarding to the appeal body', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  let pool: MunicipalityPool;
  const officer = () => t.auth('officer');
  const approver = () => t.auth('approver');

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, NOTIFY_RELAY_INTERVAL_MS: '200' } });
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** A decision proposed by the officer and approved (its letter sent) at `sentAt` by the Clock, or now. */
  async function sentDecision(
    opts: { sentAt?: string; call?: { id: string; measureCode: string }; requestedOre?: number; body?: object; members?: string[] } = {},
  ) {
    const s = await assessedApplication(t, { pool, call: opts.call, requestedOre: opts.requestedOre, members: opts.members });
    const proposed = await proposedDecision(t, s.application.id, (opts.body ?? {}) as Record<string, unknown>);
    const restore = opts.sentAt ? setClock(t, opts.sentAt) : () => undefined;
    try {
      const res = await t.http().post(`/api/v1/decisions/${proposed.id}/approve`).set(approver()).send({});
      if (res.status !== 200) throw new Error(`approve: ${res.status} ${JSON.stringify(res.body)}`);
      return { ...s, decision: res.body };
    } finally {
      restore();
    }
  }

  async function appealAt(at: string, decisionId: string, auth: Auth, body: object = { grounds: 'Vi mener søknaden er feil vurdert.' }) {
    const restore = setClock(t, at);
    try {
      return await t.http().post(`/api/v1/decisions/${decisionId}/appeals`).set(auth).send(body);
    } finally {
      restore();
    }
  }

  const committedOf = async (callId: string) =>
    (await t.dataSource.query(`SELECT committed_ore::text AS c FROM call WHERE id = $1`, [callId]))[0].c as string;
  const liveGrantsOf = async (callId: string) =>
    (
      await t.dataSource.query(
        `SELECT COALESCE(sum(amount_ore), 0)::text AS s FROM grant_award WHERE call_id = $1 AND status IN ('AWAITING_ACCEPTANCE','ACTIVE','COMPLETED')`,
        [callId],
      )
    )[0].s as string;
  const auditActions = async (entityType: string, entityId: string) => {
    const res = await t.http().get('/api/v1/audit').query({ entityType, entityId, limit: 100 }).set(t.auth('auditor')).expect(200);
    return (res.body.items as Array<{ action: string }>).map((e) => e.action).reverse();
  };

  // Deadlines written out by hand from the calendar (forvaltningsloven § 29, domstolloven §§ 148–149): three weeks end on
  // the same weekday; a Saturday, Sunday or public holiday moves the deadline to the next working day.
  describe.each([
    {
      what: 'on a weekday: Wednesday 13 January 2027 → Wednesday 3 February 2027',
      sentAt: '2027-01-13T10:00:00+01:00',
      lastDay: '2027-02-03',
      lastMinute: '2027-02-03T23:59:00+01:00',
      dayAfter: '2027-02-04T00:00:00+01:00',
    },
    {
      what: 'on a Saturday: Saturday 16 January 2027 → Saturday 6 February, moved to Monday 8 February 2027',
      sentAt: '2027-01-16T11:00:00+01:00',
      lastDay: '2027-02-08',
      lastMinute: '2027-02-08T23:59:00+01:00',
      dayAfter: '2027-02-09T00:00:00+01:00',
    },
    {
      what: 'on Easter Monday: Monday 8 March 2027 → Easter Monday 29 March, moved to Tuesday 30 March 2027 (summer time)',
      sentAt: '2027-03-08T09:30:00+01:00',
      lastDay: '2027-03-30',
      lastMinute: '2027-03-30T23:59:00+02:00',
      dayAfter: '2027-03-31T00:00:00+02:00',
    },
    {
      what: 'on Maundy Thursday: Thursday 4 March 2027 → 25 March, past Good Friday, Easter Sunday and Easter Monday to Tuesday 30 March 2027',
      sentAt: '2027-03-04T14:00:00+01:00',
      lastDay: '2027-03-30',
      lastMinute: '2027-03-30T23:59:00+02:00',
      dayAfter: '2027-03-31T00:00:00+02:00',
    },
    {
      what: 'on 17 May: Monday 26 April 2027 → Monday 17 May (also Whit Monday), moved to Tuesday 18 May 2027',
      sentAt: '2027-04-26T10:00:00+02:00',
      lastDay: '2027-05-18',
      lastMinute: '2027-05-18T23:59:00+02:00',
      dayAfter: '2027-05-19T00:00:00+02:00',
    },
  ])('a letter whose appeal deadline falls $what', ({ sentAt, lastDay, lastMinute, dayAfter }) => {
    it('states that deadline; an appeal at 23:59 Oslo time on the last day is accepted, one at 00:00 the day after refused with the deadline', async () => {
      const { decision, applicant } = await sentDecision({ sentAt, requestedOre: 300_000 * KR });
      expect(decision.status).toBe('SENT');
      expect(decision.sentAt).toBe(new Date(sentAt).toISOString());
      expect(decision.letter.appealDeadline).toBe(lastDay);

      const late = await appealAt(dayAfter, decision.id, applicant.auth);
      expect(late.status).toBe(422);
      expect(late.body).toMatchObject({ code: 'APPEAL_TOO_LATE', deadline: lastDay });
      expect(late.body.detail).toContain(lastDay);

      const inTime = await appealAt(lastMinute, decision.id, applicant.auth);
      expect(inTime.status).toBe(201);
      expect(inTime.body).toMatchObject({
        status: 'RECEIVED',
        decisionId: decision.id,
        deadline: lastDay,
        late: false,
        lodgedBy: applicant.userId,
        receivedAt: new Date(lastMinute).toISOString(),
      });
    });
  });

  it('only the lead appeals for the consortium (a member 403, a stranger 404), only a sent decision, one appeal at a time', async () => {
    const members = pool.take(2);
    const { decision, applicant, application } = await sentDecision({ requestedOre: 200_000 * KR, members });
    const member = await applicantFor(t, members[1]);
    const stranger = await applicantFor(t, pool.take(1)[0]);
    const body = { grounds: 'Vi klager.' };

    const byMember = await t.http().post(`/api/v1/decisions/${decision.id}/appeals`).set(member.auth).send(body);
    expect(byMember.status).toBe(403);
    expect(byMember.body.code).toBe('ONLY_LEAD_ACTS_FOR_CONSORTIUM');
    const byStranger = await t.http().post(`/api/v1/decisions/${decision.id}/appeals`).set(stranger.auth).send(body);
    expect(byStranger.status).toBe(404);
    // the approver holds no right to appeal
    expect((await t.http().post(`/api/v1/decisions/${decision.id}/appeals`).set(approver()).send(body)).status).toBe(403);
    // the party does not admit its own late appeal
    const admitting = await t
      .http()
      .post(`/api/v1/decisions/${decision.id}/appeals`)
      .set(applicant.auth)
      .send({ ...body, lateAdmissionReason: 'Vi var syke.' });
    expect(admitting.status).toBe(403);
    expect(admitting.body.code).toBe('LATE_ADMISSION_BY_OFFICER');
    const blank = await t.http().post(`/api/v1/decisions/${decision.id}/appeals`).set(applicant.auth).send({ grounds: '  ' });
    expect(blank.status).toBe(400);

    const first = await t.http().post(`/api/v1/decisions/${decision.id}/appeals`).set(applicant.auth).send(body);
    expect(first.status).toBe(201);
    const second = await t.http().post(`/api/v1/decisions/${decision.id}/appeals`).set(applicant.auth).send(body);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'APPEAL_PENDING', appealId: first.body.id });

    // the member reads the appeal, the stranger does not know of it
    await t.http().get(`/api/v1/appeals/${first.body.id}`).set(member.auth).expect(200);
    await t.http().get(`/api/v1/appeals/${first.body.id}`).set(stranger.auth).expect(404);
    const listed = await t.http().get(`/api/v1/decisions/${decision.id}/appeals`).set(member.auth).expect(200);
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([first.body.id]);
    expect(listed.body.items[0].history).toBeUndefined();
    const staff = await t.http().get(`/api/v1/appeals/${first.body.id}`).set(officer()).expect(200);
    expect(staff.body.history).toEqual([]);

    // a decision not yet sent cannot be appealed: the party does not know of it, the officer is told why
    const other = await assessedApplication(t, { pool, requestedOre: 100_000 * KR });
    const proposed = await proposedDecision(t, other.application.id);
    expect((await t.http().post(`/api/v1/decisions/${proposed.id}/appeals`).set(other.applicant.auth).send(body)).status).toBe(404);
    const unsent = await t.http().post(`/api/v1/decisions/${proposed.id}/appeals`).set(officer()).send(body);
    expect(unsent.status).toBe(409);
    expect(unsent.body.code).toBe('DECISION_NOT_APPEALABLE');

    // the receipt: an inbound entry in the case, and a mail to the consortium's contacts
    const journal = await t.http().get(`/api/v1/cases/${application.caseNumber}/journal`).set(officer()).expect(200);
    expect(journal.body.entries.at(-1)).toMatchObject({ direction: 'I', documentType: 'KLAGE' });
    const receipt = await eventually('the appeal receipt', () =>
      smtp.messages.find((m) => m.subject.startsWith(`Kvittering for klage i sak ${application.caseNumber}: `)),
    );
    expect(receipt.to).toEqual(['kari.kontakt@test.local']);
    expect(receipt.text).toContain('Helsedirektoratet har mottatt klagen');
  });

  it('an officer admits an appeal that came after the deadline, with a reason (forvaltningsloven § 31)', async () => {
    const { decision, applicant } = await sentDecision({ sentAt: '2027-01-13T10:00:00+01:00', requestedOre: 150_000 * KR });
    const at = '2027-02-10T12:00:00+01:00';
    expect((await appealAt(at, decision.id, applicant.auth)).body).toMatchObject({ code: 'APPEAL_TOO_LATE', deadline: '2027-02-03' });
    const noReason = await appealAt(at, decision.id, officer(), { grounds: 'Klage mottatt per post.' });
    expect(noReason.status).toBe(422);
    expect(noReason.body).toMatchObject({ code: 'LATE_ADMISSION_REASON_REQUIRED', deadline: '2027-02-03' });
    expect(noReason.body.errors[0].field).toBe('lateAdmissionReason');
    const admitted = await appealAt(at, decision.id, officer(), {
      grounds: 'Klage mottatt per post.',
      lateAdmissionReason: 'Vedtaksbrevet kom i retur; kommunen fikk det først 5. februar.',
    });
    expect(admitted.status).toBe(201);
    expect(admitted.body).toMatchObject({
      late: true,
      deadline: '2027-02-03',
      lateAdmissionReason: 'Vedtaksbrevet kom i retur; kommunen fikk det først 5. februar.',
      lodgedBy: t.userIds.officer,
    });
    // an officer registering an appeal within the deadline needs no reason
    const timely = await sentDecision({ requestedOre: 150_000 * KR });
    const registered = await t
      .http()
      .post(`/api/v1/decisions/${timely.decision.id}/appeals`)
      .set(officer())
      .send({ grounds: 'Per telefon, skriftliggjort.' });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ late: false, lateAdmissionReason: null });
  });

  it('a rejection reversed into a grant: the budget and the grant move with the approval in one transaction; the story is in the journal and the audit trail', async () => {
    const call = await createCall(t, { budgetOre: 800_000 * KR });
    const granted = await sentDecision({ call, requestedOre: 300_000 * KR });
    const rejected = await sentDecision({ call, requestedOre: 600_000 * KR, body: { outcome: 'REJECTED' } });
    expect(rejected.decision).toMatchObject({ outcome: 'REJECTED', grantId: null });
    expect(await committedOf(call.id)).toBe(String(300_000 * KR));

    const appeal = await t
      .http()
      .post(`/api/v1/decisions/${rejected.decision.id}/appeals`)
      .set(rejected.applicant.auth)
      .send({ grounds: 'Prosjektet oppfyller kriteriene.' })
      .expect(201);
    // the party and the approver do not draft reversals
    expect((await t.http().post(`/api/v1/appeals/${appeal.body.id}/reversal`).set(rejected.applicant.auth).send({})).status).toBe(403);
    const draft = await t
      .http()
      .post(`/api/v1/appeals/${appeal.body.id}/reversal`)
      .set(officer())
      .send({ outcome: 'GRANTED', reasons: 'Klagen tas til følge: prosjektet oppfyller kriteriene.' });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({
      status: 'DRAFT',
      outcome: 'GRANTED',
      amountOre: 600_000 * KR,
      appealId: appeal.body.id,
      supersedesId: rejected.decision.id,
    });
    // one reversal at a time, and no forwarding while one is being prepared
    expect((await t.http().post(`/api/v1/appeals/${appeal.body.id}/reversal`).set(officer()).send({})).body.code).toBe(
      'DECISION_IN_PREPARATION',
    );
    expect((await t.http().post(`/api/v1/appeals/${appeal.body.id}/forward`).set(officer()).send({ recommendation: 'x' })).body.code).toBe(
      'DECISION_IN_PREPARATION',
    );
    await t.http().post(`/api/v1/decisions/${draft.body.id}/propose`).set(officer()).expect(200);

    // 300 000 + 600 000 kr is above the budget of 800 000 kr: refused, and nothing has moved
    const over = await t.http().post(`/api/v1/decisions/${draft.body.id}/approve`).set(approver()).send({});
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: 'BUDGET_EXCEEDED', remainingOre: 500_000 * KR });
    expect((await t.http().get(`/api/v1/decisions/${rejected.decision.id}`).set(officer())).body.status).toBe('SENT');
    expect((await t.http().get(`/api/v1/appeals/${appeal.body.id}`).set(officer())).body.status).toBe('RECEIVED');
    expect(await committedOf(call.id)).toBe(String(300_000 * KR));
    expect(await t.dataSource.query(`SELECT id FROM grant_award WHERE application_id = $1`, [rejected.application.id])).toEqual([]);

    // returned, cut to what is left, proposed again and approved
    await t
      .http()
      .post(`/api/v1/decisions/${draft.body.id}/return`)
      .set(approver())
      .send({ comment: 'Rammen rekker til 500 000 kr.' })
      .expect(200);
    await t
      .http()
      .patch(`/api/v1/decisions/${draft.body.id}`)
      .set(officer())
      .send({ amountOre: 500_000 * KR, reasons: 'Klagen tas delvis til følge innenfor rammen.' })
      .expect(200);
    await t.http().post(`/api/v1/decisions/${draft.body.id}/propose`).set(officer()).expect(200);
    const approved = await t.http().post(`/api/v1/decisions/${draft.body.id}/approve`).set(approver()).send({});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'SENT', outcome: 'PARTLY_GRANTED', amountOre: 500_000 * KR });
    expect(approved.body.grantId).toBeTruthy();

    const old = await t.http().get(`/api/v1/decisions/${rejected.decision.id}`).set(officer()).expect(200);
    expect(old.body.status).toBe('SUPERSEDED');
    const grant = await t.http().get(`/api/v1/grants/${approved.body.grantId}`).set(officer()).expect(200);
    expect(grant.body).toMatchObject({ status: 'AWAITING_ACCEPTANCE', amountOre: 500_000 * KR });
    expect(await committedOf(call.id)).toBe(String(800_000 * KR));
    expect(await liveGrantsOf(call.id)).toBe(String(800_000 * KR));
    const closed = await t.http().get(`/api/v1/appeals/${appeal.body.id}`).set(rejected.applicant.auth).expect(200);
    expect(closed.body).toMatchObject({ status: 'REVERSED', reversal: { decisionId: draft.body.id, status: 'SENT' } });
    // the superseded decision cannot be appealed again; the new one has its own letter and deadline
    const again = await t
      .http()
      .post(`/api/v1/decisions/${rejected.decision.id}/appeals`)
      .set(rejected.applicant.auth)
      .send({ grounds: 'Igjen.' });
    expect(again.body.code).toBe('DECISION_NOT_APPEALABLE');

    // the case journal tells the whole story, in order
    const journal = await t.http().get(`/api/v1/cases/${rejected.application.caseNumber}/journal`).set(officer()).expect(200);
    const story = (journal.body.entries as Array<{ direction: string; documentType: string }>).map(
      (e) => `${e.direction} ${e.documentType}`,
    );
    const from = story.lastIndexOf('U VEDTAK', story.indexOf('I KLAGE'));
    expect(story.slice(from)).toEqual([
      'U VEDTAK',
      'I KLAGE',
      'N KLAGE_OMGJORING',
      'N VEDTAKSFORSLAG',
      'N VEDTAKSFORSLAG_RETUR',
      'N VEDTAKSFORSLAG',
      'U VEDTAK',
    ]);
    // and the audit trail, per object
    expect(await auditActions('appeal', appeal.body.id)).toEqual(['appeal.lodge', 'appeal.reverse']);
    const newDecision = await auditActions('decision', draft.body.id);
    expect(newDecision.filter((a) => a !== 'decision.update')).toEqual([
      'decision.draft',
      'decision.propose',
      'decision.return',
      'decision.propose',
      'decision.approve',
      'decision.send',
    ]);
    expect(await auditActions('decision', rejected.decision.id)).toContain('decision.supersede');
    expect(await auditActions('grant', approved.body.grantId)).toEqual(['grant.create']);

    // the other grant in the call is untouched
    const untouched = await t.http().get(`/api/v1/grants/${granted.decision.grantId}`).set(officer()).expect(200);
    expect(untouched.body.amountOre).toBe(300_000 * KR);
  });

  it('a partial grant increased on appeal: the same grant is amended to the new decision, the committed amount follows', async () => {
    const call = await createCall(t, { budgetOre: 1_000_000 * KR });
    const partly = await sentDecision({ call, requestedOre: 400_000 * KR, body: { amountOre: 250_000 * KR } });
    expect(partly.decision).toMatchObject({ outcome: 'PARTLY_GRANTED', amountOre: 250_000 * KR });
    const grantId = partly.decision.grantId as string;
    const appeal = await t
      .http()
      .post(`/api/v1/decisions/${partly.decision.id}/appeals`)
      .set(partly.applicant.auth)
      .send({ grounds: 'Vi trenger hele beløpet.' })
      .expect(201);
    const draft = await t.http().post(`/api/v1/appeals/${appeal.body.id}/reversal`).set(officer()).send({ outcome: 'GRANTED' }).expect(201);
    await t.http().post(`/api/v1/decisions/${draft.body.id}/propose`).set(officer()).expect(200);
    const approved = await t.http().post(`/api/v1/decisions/${draft.body.id}/approve`).set(approver()).send({}).expect(200);
    expect(approved.body).toMatchObject({ status: 'SENT', amountOre: 400_000 * KR, grantId });
    const grant = await t.http().get(`/api/v1/grants/${grantId}`).set(officer()).expect(200);
    expect(grant.body).toMatchObject({ amountOre: 400_000 * KR, decisionId: draft.body.id });
    expect(await committedOf(call.id)).toBe(String(400_000 * KR));
    expect(await liveGrantsOf(call.id)).toBe(String(400_000 * KR));
    expect(await auditActions('grant', grantId)).toEqual(['grant.create', 'grant.amend']);
    expect((await t.http().get(`/api/v1/appeals/${appeal.body.id}`).set(officer())).body.status).toBe('REVERSED');
  });

  it('upheld and forwarded to the appeal body with a recommendation, then its outcome recorded; journaled and the party told each time, in nynorsk', async () => {
    const members = await municipalitiesWritingIn(t, 'Nynorsk', 2);
    const { decision, applicant, application } = await sentDecision({ requestedOre: 100_000 * KR, members });
    const appeal = await t
      .http()
      .post(`/api/v1/decisions/${decision.id}/appeals`)
      .set(applicant.auth)
      .send({ grounds: 'Vi er usamde i vurderinga.' })
      .expect(201);

    // a document for the grounds: the lead adds it, a member may not, a text file is refused by its content
    const member = await applicantFor(t, members[1]);
    const upload = (auth: Auth, name: string, bytes: Buffer) =>
      t.http().post(`/api/v1/appeals/${appeal.body.id}/attachments`).set(auth).attach('file', bytes, name);
    const added = await upload(applicant.auth, 'merknader.pdf', pdfBytes(4096));
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ filename: 'merknader.pdf', mediaType: 'application/pdf', sizeBytes: 4096 });
    expect((await upload(member.auth, 'merknader.pdf', pdfBytes(2048))).status).toBe(403);
    // the members read it back as received; a stranger does not know of it
    const download = await t
      .http()
      .get(`/api/v1/appeals/${appeal.body.id}/attachments/${added.body.id}`)
      .set(member.auth)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(Buffer.compare(download.body as Buffer, pdfBytes(4096))).toBe(0);
    expect(download.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(added.body.sha256, 'hex').toString('base64')}:`);
    const stranger = await applicantFor(t, pool.take(1)[0]);
    expect((await t.http().get(`/api/v1/appeals/${appeal.body.id}/attachments/${added.body.id}`).set(stranger.auth)).status).toBe(404);

    expect((await upload(applicant.auth, 'notat.txt', Buffer.from('bare tekst'))).status).toBe(415);

    expect(
      (await t.http().post(`/api/v1/appeals/${appeal.body.id}/outcome`).set(officer()).send({ outcome: 'UPHELD', decidedOn: '2026-01-01' }))
        .body.code,
    ).toBe('APPEAL_NOT_OPEN');
    expect(
      (await t.http().post(`/api/v1/appeals/${appeal.body.id}/forward`).set(applicant.auth).send({ recommendation: 'x' })).status,
    ).toBe(403);
    expect((await t.http().post(`/api/v1/appeals/${appeal.body.id}/forward`).set(officer()).send({})).status).toBe(400);
    const forwarded = await t
      .http()
      .post(`/api/v1/appeals/${appeal.body.id}/forward`)
      .set(officer())
      .send({ recommendation: 'Direktoratet held fast på vedtaket: søknaden nådde ikkje opp.' });
    expect(forwarded.status).toBe(200);
    expect(forwarded.body).toMatchObject({
      status: 'FORWARDED',
      appealBody: 'Helse- og omsorgsdepartementet',
      recommendation: 'Direktoratet held fast på vedtaket: søknaden nådde ikkje opp.',
    });
    expect(forwarded.body.forwardedAt).toBeTruthy();
    // once forwarded, the directorate no longer reverses it itself
    expect((await t.http().post(`/api/v1/appeals/${appeal.body.id}/reversal`).set(officer()).send({})).body.code).toBe('APPEAL_NOT_OPEN');

    const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
    const future = await t
      .http()
      .post(`/api/v1/appeals/${appeal.body.id}/outcome`)
      .set(officer())
      .send({ outcome: 'UPHELD', decidedOn: tomorrow });
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('APPEAL_BODY_DATE_INVALID');
    expect(
      (await t.http().post(`/api/v1/appeals/${appeal.body.id}/outcome`).set(officer()).send({ outcome: 'MAYBE', decidedOn: '2026-01-01' }))
        .status,
    ).toBe(400);
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
    const closed = await t
      .http()
      .post(`/api/v1/appeals/${appeal.body.id}/outcome`)
      .set(officer())
      .send({ outcome: 'UPHELD', decidedOn: today, note: 'Departementet er samd med direktoratet.' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'CLOSED',
      appealBodyOutcome: 'UPHELD',
      appealBodyDecidedOn: today,
      appealBodyNote: 'Departementet er samd med direktoratet.',
    });
    expect(closed.body.history.map((h: { event: string }) => h.event)).toEqual(['forward', 'record_outcome']);
    // the appeal body's decision is final: no new appeal of the same decision
    const again = await t.http().post(`/api/v1/decisions/${decision.id}/appeals`).set(applicant.auth).send({ grounds: 'Igjen.' });
    expect(again.body.code).toBe('DECISION_NOT_APPEALABLE');
    expect((await t.http().get(`/api/v1/decisions/${decision.id}`).set(officer())).body.status).toBe('SENT');

    const journal = await t.http().get(`/api/v1/cases/${application.caseNumber}/journal`).set(officer()).expect(200);
    const tail = (
      journal.body.entries as Array<{ direction: string; documentType: string; counterpart: string | null; document: unknown }>
    ).slice(-4);
    expect(tail.map((e) => `${e.direction} ${e.documentType}`)).toEqual([
      'I KLAGE',
      'I KLAGE_VEDLEGG',
      'U KLAGE_OVERSENDELSE',
      'I KLAGEVEDTAK',
    ]);
    expect(tail[1].document).toMatchObject({ mediaType: 'application/pdf', sha256: added.body.sha256 });
    expect(tail[2].counterpart).toBe('Helse- og omsorgsdepartementet');
    expect(await auditActions('appeal', appeal.body.id)).toEqual([
      'appeal.lodge',
      'appeal.attachment_added',
      'appeal.forward',
      'appeal.record_outcome',
    ]);

    // the party was told at each step, in the lead municipality's nynorsk
    const mails = await eventually('three appeal mails', () => {
      const ours = smtp.messages.filter(
        (m) => m.subject.includes(application.caseNumber) && /^(Kvittering for klage|Klaga) /.test(m.subject),
      );
      return ours.length >= 3 && ours;
    });
    const subjects = mails.map((m) => m.subject.replace(/: .*$/, ''));
    expect(subjects).toEqual(
      expect.arrayContaining([
        `Kvittering for klage i sak ${application.caseNumber}`,
        `Klaga i sak ${application.caseNumber} er send til Helse- og omsorgsdepartementet`,
        `Klaga i sak ${application.caseNumber} er avgjord`,
      ]),
    );
    const receipt = mails.find((m) => m.subject.startsWith('Kvittering'))!;
    expect(receipt.text).toContain('Helsedirektoratet har motteke klaga');
    const decided = mails.find((m) => m.subject.endsWith('er avgjord'))!;
    expect(decided.text).toContain('Vedtaket er halde fast på.');
    expect(decided.text).toContain('Departementet er samd med direktoratet.');
  });
});
