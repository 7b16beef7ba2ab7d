import { createTestApp, TestApp } from './support/app';
import {
  applicantFor,
  Auth,
  completeDraft,
  createCall,
  createConsortium,
  createDraft,
  MunicipalityPool,
  setClock,
  submittedApplication,
  testRules,
  THIS_YEAR,
} from './support/fixtures';

/** Drafting, the validation list, submission into a numbered frozen case, access by role and object, and the officer's side. */
describe('applications: from draft to a frozen, numbered case', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, {
      excludeRegions: ['Helse Midt-Norge'],
      reserved: ['4601', '0301', '4227', '5001', '4631', '4630'],
    });
  });
  afterAll(() => t.close());

  const submit = (auth: Auth, id: string) => t.http().post(`/api/v1/applications/${id}/submit`).set(auth);
  const validation = (auth: Auth, id: string) => t.http().get(`/api/v1/applications/${id}/validation`).set(auth).expect(200);

  describe('drafting', () => {
    it('a new draft lists every problem that blocks submission, by field, with a code and a message', async () => {
      const call = await createCall(t);
      const consortium = await createConsortium(t, t.auth('applicant'), '4601', ['4601', '4631']);
      const draft = await createDraft(t, t.auth('applicant'), {
        callId: call.id,
        consortiumId: consortium.id,
        title: 'Ny journal i Bergen',
      });
      expect(draft).toMatchObject({ status: 'DRAFT', caseNumber: null, version: null, editable: true });
      const v = await validation(t.auth('applicant'), draft.id);
      expect(v.body.submittable).toBe(false);
      expect(v.body.problems).toEqual([
        { field: 'description', code: 'REQUIRED', message: 'a project description is required' },
        { field: 'purpose', code: 'REQUIRED', message: 'the purpose of the project is required' },
        { field: 'projectStart', code: 'REQUIRED', message: 'the project start date is required' },
        { field: 'projectEnd', code: 'REQUIRED', message: 'the project end date is required' },
        { field: 'serviceAreas', code: 'REQUIRED', message: 'at least one service area is required' },
        { field: 'budgetLines', code: 'REQUIRED', message: 'at least one budget line is required' },
        { field: 'requestedAmountOre', code: 'REQUIRED', message: 'the requested amount is required' },
        { field: 'ownContributionOre', code: 'REQUIRED', message: 'the own contribution (egenfinansiering), 0 if none is required' },
        { field: 'contactPersons', code: 'REQUIRED', message: 'at least one contact person is required' },
        { field: 'benefitPlan.indicators', code: 'REQUIRED', message: 'a benefit plan with at least one indicator is required' },
        {
          field: 'otherPublicFunding.declared',
          code: 'OTHER_FUNDING_NOT_DECLARED',
          message: 'declare whether other public funding covers any of these costs (true with the items, or false for none)',
        },
        {
          field: 'confirmations.NATIONAL_SOLUTIONS',
          code: 'CONFIRMATION_MISSING',
          message: 'confirm NATIONAL_SOLUTIONS: "Løsningen støtter nasjonale samhandlingsløsninger"',
        },
        {
          field: 'confirmations.MANDATORY_STANDARDS',
          code: 'CONFIRMATION_MISSING',
          message:
            'confirm MANDATORY_STANDARDS: "Obligatoriske standarder følges (forskrift om standarder og nasjonale e-helseløsninger, Referansekatalogen)"',
        },
        {
          field: 'confirmations.NORMEN',
          code: 'CONFIRMATION_MISSING',
          message: 'confirm NORMEN: "Normen for informasjonssikkerhet etterleves"',
        },
        {
          field: 'confirmations.DPIA_ROS',
          code: 'CONFIRMATION_MISSING',
          message: 'confirm DPIA_ROS: "DPIA og risikovurdering (ROS) er gjort eller planlagt"',
        },
      ]);
      const refused = await submit(t.auth('applicant'), draft.id).expect(422);
      expect(refused.body).toMatchObject({ status: 422, code: 'APPLICATION_NOT_SUBMITTABLE' });
      expect(refused.body.errors).toEqual(v.body.problems);
      const still = await t.http().get(`/api/v1/applications/${draft.id}`).set(t.auth('applicant')).expect(200);
      expect(still.body).toMatchObject({ status: 'DRAFT', caseNumber: null });

      // completing it field by field empties the list
      const body = completeDraft(call.id, consortium.id);
      const { callId: _c, consortiumId: _k, ...fields } = body;
      await t.http().patch(`/api/v1/applications/${draft.id}`).set(t.auth('applicant')).send(fields).expect(200);
      expect((await validation(t.auth('applicant'), draft.id)).body).toMatchObject({ submittable: true, problems: [] });
    });

    it('refuses what is not for this call or consortium, by field', async () => {
      const call = await createCall(t);
      const oslo = await createConsortium(t, t.auth('applicant2'), '0301', ['0301', '3201']);
      const notMine = await t
        .http()
        .post('/api/v1/applications')
        .set(t.auth('applicant'))
        .send({ callId: call.id, consortiumId: oslo.id, title: 'Forsøk' })
        .expect(400);
      expect(notMine.body.errors).toEqual([
        { field: 'consortiumId', code: 'UNKNOWN_CONSORTIUM', message: `${oslo.id} is not a consortium you are a member of` },
      ]);
      await t
        .http()
        .post('/api/v1/applications')
        .set(t.auth('officer'))
        .send({ callId: call.id, consortiumId: oslo.id, title: 'Forsøk' })
        .expect(403);
      const draftCall = await createCall(t, {}, { publish: false });
      const unpublished = await t
        .http()
        .post('/api/v1/applications')
        .set(t.auth('applicant2'))
        .send({ callId: draftCall.id, consortiumId: oslo.id, title: 'Forsøk' })
        .expect(400);
      expect(unpublished.body.errors[0]).toMatchObject({ field: 'callId', code: 'UNKNOWN_CALL' });

      const noTitle = await t
        .http()
        .post('/api/v1/applications')
        .set(t.auth('applicant2'))
        .send({ callId: call.id, consortiumId: oslo.id, colour: 'blå' })
        .expect(400);
      expect([...new Set(noTitle.body.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`))]).toEqual(
        expect.arrayContaining(['title:IS_STRING', 'colour:UNKNOWN_FIELD']),
      );
      const draft = await createDraft(t, t.auth('applicant2'), { callId: call.id, consortiumId: oslo.id, title: 'Oslo-prosjekt' });
      const bad = await t
        .http()
        .patch(`/api/v1/applications/${draft.id}`)
        .set(t.auth('applicant2'))
        .send({
          confirmations: ['NORMEN', 'HEMMELIG'],
          budgetLines: [{ costCategory: 'OPPLAERING', description: 'x', year: 2027, amountOre: -5 }],
          requestedAmountOre: 1.5,
          title: null,
        })
        .expect(400);
      expect([...new Set(bad.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([
        'budgetLines[0].amountOre',
        'requestedAmountOre',
        'title',
      ]);
      const noSuchDay = await t
        .http()
        .patch(`/api/v1/applications/${draft.id}`)
        .set(t.auth('applicant2'))
        .send({
          projectStart: `${THIS_YEAR + 1}-02-30`,
          projectEnd: '0000-01-01',
          benefitPlan: {
            indicators: [
              { name: 'Tidsbruk', unit: 'min', actor: 'PATIENTS', kind: 'BENEFIT', method: 'MEASURED', baselineDate: '2025-02-29' },
            ],
          },
        })
        .expect(400);
      expect([...new Set(noSuchDay.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([
        'benefitPlan.indicators[0].baselineDate',
        'projectEnd',
        'projectStart',
      ]);
      const indicator = { name: 'Tidsbruk', unit: 'min', actor: 'PATIENTS', kind: 'BENEFIT', method: 'MEASURED' };
      const tooFine = await t
        .http()
        .patch(`/api/v1/applications/${draft.id}`)
        .set(t.auth('applicant2'))
        .send({
          benefitPlan: { indicators: [{ ...indicator, baselineValue: 1e-7, targetValue: 0.00001 }] },
          serviceAreas: Array(7).fill('PLO'),
        })
        .expect(400);
      expect([...new Set(tooFine.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([
        'benefitPlan.indicators[0].baselineValue',
        'benefitPlan.indicators[0].targetValue',
        'serviceAreas',
      ]);
      const fine = await t
        .http()
        .patch(`/api/v1/applications/${draft.id}`)
        .set(t.auth('applicant2'))
        .send({ benefitPlan: { indicators: [{ ...indicator, baselineValue: 1.5e-3 }] } })
        .expect(200);
      // a JSON number is read by its digits and shown as the exact decimal string it is
      expect(fine.body.content.benefitPlan.indicators[0].baselineValue).toBe('0.0015');
      const unknown = await t
        .http()
        .patch(`/api/v1/applications/${draft.id}`)
        .set(t.auth('applicant2'))
        .send({ confirmations: ['NORMEN', 'HEMMELIG'] })
        .expect(400);
      expect(unknown.body.errors).toEqual([
        {
          field: 'confirmations[1]',
          code: 'UNKNOWN_CONFIRMATION',
          message: 'HEMMELIG is not a confirmation this call asks for (NATIONAL_SOLUTIONS, MANDATORY_STANDARDS, NORMEN, DPIA_ROS)',
        },
      ]);
    });

    it('keeps an indicator id across edits (reports refer to it) and refuses an id of another application', async () => {
      const call = await createCall(t);
      const [a, b] = pool.take(2);
      const user = await applicantFor(t, a);
      const c = await createConsortium(t, user.auth, a, [a, b]);
      const draft = await createDraft(t, user.auth, completeDraft(call.id, c.id));
      const indicator = draft.content.benefitPlan.indicators[0];
      const edited = await t
        .http()
        .patch(`/api/v1/applications/${draft.id}`)
        .set(user.auth)
        .send({
          benefitPlan: {
            indicators: [
              { name: 'Ny', unit: 'antall', actor: 'PATIENTS', kind: 'ADOPTED', method: 'ESTIMATED' },
              { ...indicator, targetValue: 2 },
            ],
          },
        })
        .expect(200);
      expect(
        edited.body.content.benefitPlan.indicators.map((i: { id: string; targetValue: string | null }) => [
          i.id === indicator.id,
          i.targetValue,
        ]),
      ).toEqual([
        [false, null],
        [true, '2'],
      ]);
      const foreign = await t
        .http()
        .patch(`/api/v1/applications/${draft.id}`)
        .set(user.auth)
        .send({ benefitPlan: { indicators: [{ ...indicator, id: '00000000-0000-4000-8000-000000000001' }] } })
        .expect(400);
      expect(foreign.body.errors[0]).toMatchObject({ field: 'benefitPlan.indicators[0].id', code: 'UNKNOWN_INDICATOR' });
    });
  });

  it("validation says what the issue's examples say: Helse Midt-Norge, an ineligible line 3, 62 % and a municipality taken", async () => {
    const call = await createCall(t, {
      measureCode: 'SAMORDNET_ANSKAFFELSE',
      budgetOre: 6_000_000_000,
      rules: testRules('SAMORDNET_ANSKAFFELSE'),
    });
    const first = await submittedApplication(t, { pool, call, members: ['4227', pool.take(1)[0]] });
    const taken = first.application.caseNumber as string;

    const [lead] = pool.take(1);
    const user = await applicantFor(t, lead);
    const consortium = await createConsortium(t, user.auth, lead, [lead, '4227', '5001']);
    const draft = await createDraft(
      t,
      user.auth,
      completeDraft(call.id, consortium.id, 'SAMORDNET_ANSKAFFELSE', {
        budgetLines: [
          { costCategory: 'BEHOVSBESKRIVELSE', description: 'Felles behovsbeskrivelse', year: THIS_YEAR + 1, amountOre: 600_000_00 },
          { costCategory: 'KONKURRANSE', description: 'Konkurransegjennomføring', year: THIS_YEAR + 1, amountOre: 400_000_00 },
          { costCategory: 'NORMAL_DRIFT', description: 'Drift av dagens løsning', year: THIS_YEAR + 1, amountOre: 300_000_00 },
        ],
        requestedAmountOre: 620_000_00,
        ownContributionOre: 380_000_00,
      }),
    );
    const members = draft.content.consortium.members.map((m: { municipalityNumber: string }) => m.municipalityNumber);
    const expected = [
      {
        field: `consortium.members[${members.indexOf('5001')}]`,
        code: 'EXCLUDED_HEALTH_REGION',
        message: 'Trondheim (5001) is in Helse Midt-Norge: Helse Midt-Norge municipalities cannot apply for SAMORDNET_ANSKAFFELSE',
      },
      {
        field: `consortium.members[${members.indexOf('4227')}]`,
        code: 'MUNICIPALITY_ALREADY_APPLIED',
        message: `Kvinesdal (4227) is already a member of application ${taken} in this call`,
      },
      {
        field: 'budgetLines[2].costCategory',
        code: 'INELIGIBLE_COST_CATEGORY',
        message: 'budget line 3 uses ineligible category NORMAL_DRIFT: ordinary operation of the solution (normal drift) is never eligible',
      },
      {
        field: 'requestedAmountOre',
        code: 'GRANT_SHARE_EXCEEDED',
        message: 'requested amount is 62 % of eligible costs; the call allows 50 %',
      },
    ];
    expect((await validation(user.auth, draft.id)).body.problems).toEqual(expected);
    const refused = await submit(user.auth, draft.id).expect(422);
    expect(refused.body.errors).toEqual(expected);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM case_file`);
    const [{ last }] = await t.dataSource.query(`SELECT max(number)::int AS last FROM case_file`);
    expect(n).toBe(last); // a refused submission took no number
  });

  describe('submission', () => {
    it('freezes exactly what was validated, numbers the case, journals it inbound, and refuses later edits', async () => {
      const call = await createCall(t);
      const [a, b] = pool.take(2);
      const user = await applicantFor(t, a);
      const consortium = await createConsortium(t, user.auth, a, [a, b]);
      const draft = await createDraft(t, user.auth, completeDraft(call.id, consortium.id));
      const checked = await validation(user.auth, draft.id);
      expect(checked.body).toMatchObject({ submittable: true, problems: [] });

      const res = await submit(user.auth, draft.id).expect(200);
      expect(res.body).toMatchObject({ status: 'SUBMITTED', version: 1, editable: false, contentSha256: checked.body.contentSha256 });
      expect(res.body.caseNumber).toMatch(new RegExp(`^${new Date().getUTCFullYear()}/\\d{5}$`));
      expect(res.body.content).toEqual(draft.content);

      expect((await validation(user.auth, draft.id)).body).toMatchObject({ submittable: false, problems: [] });
      const patch = await t.http().patch(`/api/v1/applications/${draft.id}`).set(user.auth).send({ title: 'Endret etterpå' }).expect(409);
      expect(patch.body).toMatchObject({ code: 'APPLICATION_FROZEN' });
      await submit(user.auth, draft.id).expect(409);

      // nobody changes the membership of the submitted version; the consortium's name may change, and the
      // application still shows the consortium as it was submitted
      const [c] = pool.take(1);
      const locked = await t
        .http()
        .patch(`/api/v1/consortia/${consortium.id}`)
        .set(user.auth)
        .send({ members: [a, b, c], name: 'Utvidet samarbeid' })
        .expect(409);
      expect(locked.body.code).toBe('CONSORTIUM_MEMBERSHIP_LOCKED');
      expect(locked.body.detail).toContain(`application ${res.body.caseNumber} is submitted`);
      await t.http().patch(`/api/v1/consortia/${consortium.id}`).set(user.auth).send({ name: 'Omdøpt samarbeid' }).expect(200);
      const later = await t.http().get(`/api/v1/applications/${draft.id}`).set(user.auth).expect(200);
      expect(later.body.content).toEqual(draft.content);
      expect(later.body.contentSha256).toBe(checked.body.contentSha256);
      const v1 = await t.http().get(`/api/v1/applications/${draft.id}/versions/1`).set(user.auth).expect(200);
      expect(v1.body).toMatchObject({ version: 1, callVersion: 1, contentSha256: checked.body.contentSha256, content: draft.content });
      await expect(
        t.dataSource.query(`UPDATE application_version SET content_sha256 = repeat('0', 64) WHERE application_id = $1`, [draft.id]),
      ).rejects.toThrow(/append-only/);

      const journal = await t
        .http()
        .get(`/api/v1/cases/${encodeURIComponent(res.body.caseNumber)}/journal`)
        .set(t.auth('officer'))
        .expect(200);
      expect(journal.body.entries).toEqual([
        expect.objectContaining({
          entryNumber: `${res.body.caseNumber}-1`,
          direction: 'I',
          documentType: 'SOKNAD',
          title: 'Søknad: Felles journalløsning i regionen',
          counterpart: consortium.name,
          applicationVersion: 1,
          registeredBy: user.userId,
        }),
      ]);
      const [year, number] = res.body.caseNumber.split('/');
      const split = await t.http().get(`/api/v1/cases/${year}/${number}/journal`).set(t.auth('auditor')).expect(200);
      expect(split.body).toEqual(journal.body);
      await t.http().get(`/api/v1/cases/${year}/${number}/journal`).set(user.auth).expect(403);
      await t.http().get(`/api/v1/cases/${year}/99999/journal`).set(t.auth('officer')).expect(404);
      await t.http().get(`/api/v1/cases/not-a-case/journal`).set(t.auth('officer')).expect(404);

      const receipt = await t.dataSource.query(
        `SELECT recipient_email, requested_language FROM notification WHERE event = 'application.submitted' AND entity_id = $1`,
        [draft.id],
      );
      expect(receipt).toEqual([{ recipient_email: 'kari.kontakt@test.local', requested_language: expect.stringMatching(/^(nb|nn)$/) }]);
    });

    it('the municipality is free again once its application is withdrawn', async () => {
      const call = await createCall(t);
      const shared = pool.take(1)[0];
      const first = await submittedApplication(t, { pool, call, members: [shared, pool.take(1)[0]] });
      const [other] = pool.take(1);
      const second = await applicantFor(t, other);
      const c2 = await createConsortium(t, second.auth, other, [other, shared]);
      const draft = await createDraft(t, second.auth, completeDraft(call.id, c2.id));
      expect((await validation(second.auth, draft.id)).body.problems.map((p: { code: string }) => p.code)).toEqual([
        'MUNICIPALITY_ALREADY_APPLIED',
      ]);

      await t.http().post(`/api/v1/applications/${first.application.id}/withdraw`).set(t.auth('officer')).send({}).expect(403);
      const withdrawn = await t
        .http()
        .post(`/api/v1/applications/${first.application.id}/withdraw`)
        .set(first.applicant.auth)
        .send({ reason: 'Samarbeidet er lagt ned' })
        .expect(200);
      expect(withdrawn.body.status).toBe('WITHDRAWN');
      await t.http().post(`/api/v1/applications/${first.application.id}/withdraw`).set(first.applicant.auth).send({}).expect(409);
      const journal = await t
        .http()
        .get(`/api/v1/cases/${encodeURIComponent(first.application.caseNumber)}/journal`)
        .set(t.auth('officer'))
        .expect(200);
      expect(
        journal.body.entries.map((e: { entryNumber: string; direction: string; documentType: string }) => [
          e.entryNumber.split('-')[1],
          e.direction,
          e.documentType,
        ]),
      ).toEqual([
        ['1', 'I', 'SOKNAD'],
        ['2', 'I', 'TILBAKETREKKING'],
      ]);
      await submit(second.auth, draft.id).expect(200);
    });
  });

  describe('access: role and object', () => {
    it("applicant2 (Oslo) cannot see or touch Bergen's application: 404 everywhere; officers see it", async () => {
      const call = await createCall(t);
      const consortium = await createConsortium(t, t.auth('applicant'), '4601', ['4601', '4630']);
      const draft = await createDraft(t, t.auth('applicant'), completeDraft(call.id, consortium.id));
      const base = `/api/v1/applications/${draft.id}`;
      for (const [method, path] of [
        ['get', base],
        ['get', `${base}/validation`],
        ['get', `${base}/versions`],
        ['patch', base],
        ['post', `${base}/submit`],
        ['post', `${base}/withdraw`],
        ['post', `${base}/attachments`],
      ] as const) {
        const res = await t.http()[method](path).set(t.auth('applicant2')).send({});
        expect([method, path, res.status]).toEqual([method, path, 404]);
      }
      await t.http().get(base).set(t.auth('assessor')).expect(404);
      await t.http().get(base).set(t.auth('officer')).expect(200);
      const own = await t.http().get('/api/v1/applications').set(t.auth('applicant2')).query({ limit: 100 }).expect(200);
      expect(own.body.items.map((a: { id: string }) => a.id)).not.toContain(draft.id);
      const mine = await t.http().get('/api/v1/applications').set(t.auth('applicant')).query({ limit: 100 }).expect(200);
      expect(mine.body.items.map((a: { id: string }) => a.id)).toContain(draft.id);
      await t.http().get('/api/v1/applications/not-a-uuid').set(t.auth('officer')).expect(404);
    });

    it('an applicant who is also an evaluator reads every application but changes only its own consortia', async () => {
      const call = await createCall(t);
      const other = await submittedApplication(t, { pool, call });
      const otherDraft = await submittedApplication(t, { pool, call }).then(async (s) => {
        await t
          .http()
          .post(`/api/v1/applications/${s.application.id}/return`)
          .set(t.auth('officer'))
          .send({ reason: 'Mangler gevinstkart' })
          .expect(200);
        return s;
      });
      const [mine, partner] = pool.take(2);
      const dual = await applicantFor(t, mine);
      await t.dataSource.query(`UPDATE app_user SET roles = ARRAY['applicant','evaluator'] WHERE id = $1`, [dual.userId]);
      const own = await createConsortium(t, dual.auth, mine, [mine, partner]);

      await t.http().get(`/api/v1/applications/${other.application.id}`).set(dual.auth).expect(200);
      const id = otherDraft.application.id;
      for (const [method, path, body] of [
        ['patch', `/api/v1/applications/${id}`, { purpose: 'Overtatt' }],
        ['post', `/api/v1/applications/${id}/submit`, {}],
        ['post', `/api/v1/applications/${other.application.id}/withdraw`, {}],
        ['post', `/api/v1/applications/${id}/attachments`, {}],
        ['delete', `/api/v1/applications/${id}/attachments/00000000-0000-4000-8000-000000000001`, {}],
      ] as const) {
        const res = await t.http()[method](path).set(dual.auth).send(body);
        expect([method, path, res.status]).toEqual([method, path, 404]);
      }
      const foreign = await t
        .http()
        .post('/api/v1/applications')
        .set(dual.auth)
        .send({ callId: call.id, consortiumId: other.consortium.id, title: 'Overtatt søknad' })
        .expect(400);
      expect(foreign.body.errors).toEqual([
        { field: 'consortiumId', code: 'UNKNOWN_CONSORTIUM', message: `${other.consortium.id} is not a consortium you are a member of` },
      ]);
      const unchanged = await t.http().get(`/api/v1/applications/${other.application.id}`).set(t.auth('officer')).expect(200);
      expect(unchanged.body.status).toBe('SUBMITTED');

      const draft = await createDraft(t, dual.auth, completeDraft(call.id, own.id));
      await submit(dual.auth, draft.id).expect(200);
    });
  });

  describe("the officer's side", () => {
    it('formal check: eligible goes on to assessment, rejected needs a reason; both are outbound letters (U) that the mail carries', async () => {
      const call = await createCall(t);
      const ok = await submittedApplication(t, { pool, call });
      const bad = await submittedApplication(t, { pool, call });
      await t
        .http()
        .post(`/api/v1/applications/${ok.application.id}/formal-check`)
        .set(ok.applicant.auth)
        .send({ outcome: 'eligible' })
        .expect(403);
      const eligible = await t
        .http()
        .post(`/api/v1/applications/${ok.application.id}/formal-check`)
        .set(t.auth('officer'))
        .send({ outcome: 'eligible' })
        .expect(200);
      expect(eligible.body).toMatchObject({ status: 'ELIGIBLE', version: 1 });
      const noReason = await t
        .http()
        .post(`/api/v1/applications/${bad.application.id}/formal-check`)
        .set(t.auth('officer'))
        .send({ outcome: 'rejected' })
        .expect(400);
      expect(noReason.body.errors[0].field).toBe('reason');
      const rejected = await t
        .http()
        .post(`/api/v1/applications/${bad.application.id}/formal-check`)
        .set(t.auth('officer'))
        .send({ outcome: 'rejected', reason: 'Samarbeidet består av bare én kommune med vedtak om deltakelse.' })
        .expect(200);
      expect(rejected.body.status).toBe('REJECTED');
      await t
        .http()
        .post(`/api/v1/applications/${bad.application.id}/formal-check`)
        .set(t.auth('officer'))
        .send({ outcome: 'eligible' })
        .expect(409);

      const entries = async (caseNumber: string) =>
        (
          await t
            .http()
            .get(`/api/v1/cases/${encodeURIComponent(caseNumber)}/journal`)
            .set(t.auth('officer'))
            .expect(200)
        ).body.entries.map((e: { direction: string; documentType: string }) => `${e.direction}:${e.documentType}`);
      // the applicant is mailed of both outcomes, so both are letters out of the case, addressed to the consortium
      expect(await entries(ok.application.caseNumber)).toEqual(['I:SOKNAD', 'U:FORMALIA']);
      const letter = await t.dataSource.query(
        `SELECT direction, counterpart FROM journal_entry WHERE case_number = $1 AND document_type = 'FORMALIA'`,
        [ok.application.caseNumber],
      );
      expect(letter).toEqual([{ direction: 'U', counterpart: ok.consortium.name }]);
      expect(await entries(bad.application.caseNumber)).toEqual(['I:SOKNAD', 'U:AVVISNING']);
      const notes = await t.dataSource.query(
        `SELECT entity_id, data->>'outcome' AS outcome FROM notification WHERE event = 'application.formal_check' AND entity_id = ANY($1) ORDER BY created_at`,
        [[ok.application.id, bad.application.id]],
      );
      expect(notes).toEqual([
        { entity_id: ok.application.id, outcome: 'eligible' },
        { entity_id: bad.application.id, outcome: 'rejected' },
      ]);
      const transitions = await t.dataSource.query(
        `SELECT event, actor_user_id, reason FROM state_transition WHERE entity_id = $1 ORDER BY id`,
        [bad.application.id],
      );
      expect(transitions).toEqual([
        { event: 'submit', actor_user_id: bad.applicant.userId, reason: null },
        {
          event: 'reject_formally',
          actor_user_id: t.userIds.officer,
          reason: 'Samarbeidet består av bare én kommune med vedtak om deltakelse.',
        },
      ]);
    });

    it('return for completion: the applicant edits and resubmits a new frozen version; the old one is kept', async () => {
      const call = await createCall(t);
      const { application, applicant } = await submittedApplication(t, { pool, call });
      const id = application.id;
      await t
        .http()
        .post(`/api/v1/applications/${id}/return`)
        .set(t.auth('officer'))
        .send({ reason: 'x', dueAt: '2020-01-01T12:00' })
        .expect(400);
      const returned = await t
        .http()
        .post(`/api/v1/applications/${id}/return`)
        .set(t.auth('officer'))
        .send({ reason: 'Gevinstkartet mangler måling av dagens tidsbruk.' })
        .expect(200);
      expect(returned.body).toMatchObject({ status: 'RETURNED', editable: true, version: 1 });
      expect(returned.body.completionDueAt).not.toBeNull();

      const edited = await t
        .http()
        .patch(`/api/v1/applications/${id}`)
        .set(applicant.auth)
        .send({ purpose: 'Bedre samhandling, målt i tidsbruk.' })
        .expect(200);
      expect(edited.body.content.purpose).toBe('Bedre samhandling, målt i tidsbruk.');
      const resubmitted = await submit(applicant.auth, id).expect(200);
      expect(resubmitted.body).toMatchObject({
        status: 'SUBMITTED',
        version: 2,
        caseNumber: application.caseNumber,
        completionDueAt: null,
      });

      const versions = await t.http().get(`/api/v1/applications/${id}/versions`).set(applicant.auth).expect(200);
      expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      expect(versions.body.items[0]).not.toHaveProperty('content');
      const paged = await t.http().get(`/api/v1/applications/${id}/versions`).query({ limit: 1 }).set(applicant.auth).expect(200);
      expect(paged.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
      const rest = await t
        .http()
        .get(`/api/v1/applications/${id}/versions`)
        .query({ limit: 1, cursor: paged.body.nextCursor })
        .set(applicant.auth)
        .expect(200);
      expect([rest.body.items.map((v: { version: number }) => v.version), rest.body.nextCursor]).toEqual([[2], null]);
      const v1 = await t.http().get(`/api/v1/applications/${id}/versions/1`).set(t.auth('officer')).expect(200);
      expect(v1.body.content).toEqual(application.content);
      const v2 = await t.http().get(`/api/v1/applications/${id}/versions/2`).set(t.auth('officer')).expect(200);
      expect(v2.body.content.purpose).toBe('Bedre samhandling, målt i tidsbruk.');
      await t.http().get(`/api/v1/applications/${id}/versions/3`).set(t.auth('officer')).expect(404);

      const journal = await t
        .http()
        .get(`/api/v1/cases/${encodeURIComponent(application.caseNumber)}/journal`)
        .set(t.auth('officer'))
        .expect(200);
      expect(
        journal.body.entries.map(
          (e: { entryNumber: string; direction: string; documentType: string; applicationVersion: number | null }) => [
            e.entryNumber,
            e.direction,
            e.documentType,
            e.applicationVersion,
          ],
        ),
      ).toEqual([
        [`${application.caseNumber}-1`, 'I', 'SOKNAD', 1],
        [`${application.caseNumber}-2`, 'U', 'KOMPLETTERING', null],
        [`${application.caseNumber}-3`, 'I', 'SOKNAD', 2],
      ]);
      const receipts = await t.dataSource.query(
        `SELECT data->>'version' AS version FROM notification WHERE event = 'application.submitted' AND entity_id = $1 ORDER BY created_at`,
        [id],
      );
      expect(receipts).toEqual([{ version: '1' }, { version: '2' }]);
    });

    it('a returned application can be withdrawn, which frees its municipalities', async () => {
      const call = await createCall(t);
      const shared = pool.take(1)[0];
      const first = await submittedApplication(t, { pool, call, members: [shared, pool.take(1)[0]] });
      await t
        .http()
        .post(`/api/v1/applications/${first.application.id}/return`)
        .set(t.auth('officer'))
        .send({ reason: 'Mangler budsjett' })
        .expect(200);
      const withdrawn = await t
        .http()
        .post(`/api/v1/applications/${first.application.id}/withdraw`)
        .set(first.applicant.auth)
        .send({ reason: 'Vi søker sammen med andre' })
        .expect(200);
      expect(withdrawn.body).toMatchObject({ status: 'WITHDRAWN', editable: false, completionDueAt: null, version: 1 });
      const [other] = pool.take(1);
      await submittedApplication(t, { pool, call, members: [other, shared] });
    });

    it('a returned application not resubmitted in time can be rejected, only after its completion deadline', async () => {
      const { application, applicant } = await submittedApplication(t, { pool });
      const due = new Date(Date.now() + 2 * 86400000);
      await t
        .http()
        .post(`/api/v1/applications/${application.id}/return`)
        .set(t.auth('officer'))
        .send({ reason: 'Mangler vedlegg', dueAt: due.toISOString() })
        .expect(200);
      const reject = () =>
        t
          .http()
          .post(`/api/v1/applications/${application.id}/formal-check`)
          .set(t.auth('officer'))
          .send({ outcome: 'rejected', reason: 'Søknaden ble ikke komplettert innen fristen.' });
      const early = await reject().expect(409);
      expect(early.body.code).toBe('COMPLETION_PENDING');
      await t
        .http()
        .post(`/api/v1/applications/${application.id}/formal-check`)
        .set(t.auth('officer'))
        .send({ outcome: 'eligible' })
        .expect(409);

      const restore = setClock(t, new Date(due.getTime() + 1000));
      try {
        const rejected = await reject().expect(200);
        expect(rejected.body).toMatchObject({
          status: 'REJECTED',
          editable: false,
          completionDueAt: null,
          version: 1,
          content: application.content,
        });
      } finally {
        restore();
      }
      await t.http().patch(`/api/v1/applications/${application.id}`).set(applicant.auth).send({ purpose: 'For sent' }).expect(409);
      const journal = await t
        .http()
        .get(`/api/v1/cases/${encodeURIComponent(application.caseNumber)}/journal`)
        .set(t.auth('officer'))
        .expect(200);
      expect(journal.body.entries.map((e: { direction: string; documentType: string }) => `${e.direction}:${e.documentType}`)).toEqual([
        'I:SOKNAD',
        'U:KOMPLETTERING',
        'U:AVVISNING',
      ]);
    });

    it('a returned application cannot be resubmitted after the completion deadline', async () => {
      const { application, applicant } = await submittedApplication(t, { pool });
      const due = new Date(Date.now() + 2 * 86400000);
      await t
        .http()
        .post(`/api/v1/applications/${application.id}/return`)
        .set(t.auth('officer'))
        .send({ reason: 'Mangler vedlegg', dueAt: due.toISOString() })
        .expect(200);
      const restore = setClock(t, new Date(due.getTime() + 1000));
      try {
        const late = await submit(applicant.auth, application.id).expect(422);
        expect(late.body.errors.map((e: { code: string }) => e.code)).toEqual(['COMPLETION_DEADLINE_PASSED']);
      } finally {
        restore();
      }
    });

    it('lists, searches and filters (call, status, region, measure, text) page by page', async () => {
      const call = await createCall(t, { measureCode: 'SAMORDNET_ANSKAFFELSE', rules: testRules('SAMORDNET_ANSKAFFELSE') });
      const inRegion = async (region: string): Promise<string[]> =>
        (
          await t.dataSource.query(
            `SELECT number FROM municipality WHERE health_region = $1 AND number NOT IN ('4601','4631','4630') ORDER BY number DESC LIMIT 2`,
            [region],
          )
        ).map((r: { number: string }) => r.number);
      const [vest, nord] = [await inRegion('Helse Vest'), await inRegion('Helse Nord')];
      const a = await submittedApplication(t, { pool, call, members: vest, draft: { title: 'Vestlandsløftet' } });
      const b = await submittedApplication(t, { pool, call, members: nord, draft: { title: 'Nordlandsløftet' } });
      const q = (query: Record<string, unknown>) =>
        t
          .http()
          .get('/api/v1/applications')
          .set(t.auth('officer'))
          .query({ callId: call.id, ...query })
          .expect(200);

      expect((await q({})).body.items.map((x: { id: string }) => x.id)).toEqual([a.application.id, b.application.id]);
      expect((await q({ region: 'Helse Vest' })).body.items.map((x: { id: string }) => x.id)).toEqual([a.application.id]);
      expect((await q({ q: 'nordlands' })).body.items.map((x: { id: string }) => x.id)).toEqual([b.application.id]);
      expect((await q({ q: a.application.caseNumber })).body.items.map((x: { id: string }) => x.id)).toEqual([a.application.id]);
      expect((await q({ measure: 'INNFORING' })).body.items).toEqual([]);
      expect((await q({ status: 'DRAFT' })).body.items).toEqual([]);
      const first = await q({ limit: 1 });
      expect(first.body.items[0]).toMatchObject({
        id: a.application.id,
        caseNumber: a.application.caseNumber,
        status: 'SUBMITTED',
        measureCode: 'SAMORDNET_ANSKAFFELSE',
        title: 'Vestlandsløftet',
        healthRegion: 'Helse Vest',
        requestedAmountOre: 100_000_000,
      });
      const second = await q({ limit: 1, cursor: first.body.nextCursor });
      expect(second.body.items.map((x: { id: string }) => x.id)).toEqual([b.application.id]);
      expect(second.body.nextCursor).toBeNull();
      await t.http().get('/api/v1/applications').set(t.auth('officer')).query({ region: 'Helse Mars' }).expect(400);
      expect((await t.http().get('/api/v1/applications').set(t.auth('assessor')).expect(200)).body.items).toEqual([]);
    });
  });
});
