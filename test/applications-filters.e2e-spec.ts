import { randomBytes } from 'node:crypto';
import { createTestApp, TestApp } from './support/app';
import {
  applicantFor,
  Auth,
  completeDraft,
  createCall,
  createConsortium,
  createDraft,
  MunicipalityPool,
  submittedApplication,
  testRules,
} from './support/fixtures';

/** The officer's list filtered by status and measure, and withdrawal from each state that allows it (and not from the others). */
describe('applications: filters by status and measure, and withdrawal', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  beforeAll(async () => {
    t = await createTestApp();
    // Helse Midt-Norge municipalities cannot apply for SAMORDNET_ANSKAFFELSE
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(() => t.close());

  const samordnet = () => createCall(t, { measureCode: 'SAMORDNET_ANSKAFFELSE', rules: testRules('SAMORDNET_ANSKAFFELSE') });
  const withdraw = (auth: Auth, id: string, reason = 'Vi trekker søknaden') =>
    t.http().post(`/api/v1/applications/${id}/withdraw`).set(auth).send({ reason });
  const journal = async (caseNumber: string) =>
    (
      await t
        .http()
        .get(`/api/v1/cases/${encodeURIComponent(caseNumber)}/journal`)
        .set(t.auth('officer'))
        .expect(200)
    ).body.entries.map((e: { direction: string; documentType: string }) => `${e.direction}:${e.documentType}`);
  /** A draft (never submitted) in the call, by a new applicant for two fresh municipalities. */
  async function draftIn(call: { id: string; measureCode: string }, draft: Record<string, unknown> = {}) {
    const members = pool.take(2);
    const applicant = await applicantFor(t, members[0]);
    const consortium = await createConsortium(t, applicant.auth, members[0], members);
    return {
      applicant,
      consortium,
      application: await createDraft(t, applicant.auth, completeDraft(call.id, consortium.id, call.measureCode, draft)),
    };
  }

  describe('GET /api/v1/applications?status=…&measure=…', () => {
    const tag = `Filtertest ${randomBytes(4).toString('hex')}`;
    const ids: Record<string, string> = {};
    let innforing: { id: string; measureCode: string };
    let anskaffelse: { id: string; measureCode: string };

    beforeAll(async () => {
      innforing = await createCall(t);
      anskaffelse = await samordnet();
      const title = (name: string) => ({ title: `${tag} ${name}` });

      // INNFORING: one in each of SUBMITTED, RETURNED, ELIGIBLE, WITHDRAWN and DRAFT, created in this order
      ids.submitted = (await submittedApplication(t, { pool, call: innforing, draft: title('innsendt') })).application.id;
      ids.returned = (await submittedApplication(t, { pool, call: innforing, draft: title('returnert') })).application.id;
      await t
        .http()
        .post(`/api/v1/applications/${ids.returned}/return`)
        .set(t.auth('officer'))
        .send({ reason: 'Mangler gevinstkart' })
        .expect(200);
      ids.eligible = (await submittedApplication(t, { pool, call: innforing, draft: title('godkjent') })).application.id;
      await t
        .http()
        .post(`/api/v1/applications/${ids.eligible}/formal-check`)
        .set(t.auth('officer'))
        .send({ outcome: 'eligible' })
        .expect(200);
      const toWithdraw = await submittedApplication(t, { pool, call: innforing, draft: title('trukket') });
      ids.withdrawn = toWithdraw.application.id;
      await withdraw(toWithdraw.applicant.auth, ids.withdrawn).expect(200);
      ids.draft = (await draftIn(innforing, title('utkast'))).application.id;

      // SAMORDNET_ANSKAFFELSE: SUBMITTED, DRAFT and ELIGIBLE
      ids.aSubmitted = (await submittedApplication(t, { pool, call: anskaffelse, draft: title('anskaffelse innsendt') })).application.id;
      ids.aDraft = (await draftIn(anskaffelse, title('anskaffelse utkast'))).application.id;
      ids.aEligible = (await submittedApplication(t, { pool, call: anskaffelse, draft: title('anskaffelse godkjent') })).application.id;
      await t
        .http()
        .post(`/api/v1/applications/${ids.aEligible}/formal-check`)
        .set(t.auth('officer'))
        .send({ outcome: 'eligible' })
        .expect(200);
    });

    const list = async (query: Record<string, string>): Promise<string[]> =>
      (
        await t
          .http()
          .get('/api/v1/applications')
          .set(t.auth('officer'))
          .query({ limit: 100, ...query })
          .expect(200)
      ).body.items.map((a: { id: string }) => a.id);

    it('status picks the applications in that state and leaves out the others', async () => {
      const innforingCall = { callId: innforing.id };
      expect(await list(innforingCall)).toEqual([ids.submitted, ids.returned, ids.eligible, ids.withdrawn, ids.draft]);
      expect(await list({ ...innforingCall, status: 'SUBMITTED' })).toEqual([ids.submitted]);
      expect(await list({ ...innforingCall, status: 'RETURNED' })).toEqual([ids.returned]);
      expect(await list({ ...innforingCall, status: 'ELIGIBLE' })).toEqual([ids.eligible]);
      expect(await list({ ...innforingCall, status: 'WITHDRAWN' })).toEqual([ids.withdrawn]);
      expect(await list({ ...innforingCall, status: 'DRAFT' })).toEqual([ids.draft]);
      expect(await list({ ...innforingCall, status: 'REJECTED' })).toEqual([]);
      expect(await list({ callId: anskaffelse.id, status: 'ELIGIBLE' })).toEqual([ids.aEligible]);
      expect(await list({ callId: anskaffelse.id, status: 'DRAFT' })).toEqual([ids.aDraft]);
      // across both calls
      expect(await list({ q: tag, status: 'ELIGIBLE' })).toEqual([ids.eligible, ids.aEligible]);
      expect(await list({ q: tag, status: 'DRAFT' })).toEqual([ids.draft, ids.aDraft]);

      const rows = (await t.http().get('/api/v1/applications').set(t.auth('officer')).query({ q: tag, status: 'SUBMITTED' }).expect(200))
        .body.items;
      expect(rows.map((a: { id: string; status: string; measureCode: string }) => [a.id, a.status, a.measureCode])).toEqual([
        [ids.submitted, 'SUBMITTED', 'INNFORING'],
        [ids.aSubmitted, 'SUBMITTED', 'SAMORDNET_ANSKAFFELSE'],
      ]);
      const bad = await t.http().get('/api/v1/applications').set(t.auth('officer')).query({ status: 'PENDING' }).expect(400);
      expect(bad.body.errors[0].field).toBe('status');
    });

    it('measure picks the applications of calls for that measure, whatever their state', async () => {
      expect(await list({ q: tag, measure: 'INNFORING' })).toEqual([ids.submitted, ids.returned, ids.eligible, ids.withdrawn, ids.draft]);
      expect(await list({ q: tag, measure: 'SAMORDNET_ANSKAFFELSE' })).toEqual([ids.aSubmitted, ids.aDraft, ids.aEligible]);
      expect(await list({ callId: anskaffelse.id, measure: 'SAMORDNET_ANSKAFFELSE' })).toEqual([ids.aSubmitted, ids.aDraft, ids.aEligible]);
      expect(await list({ callId: anskaffelse.id, measure: 'INNFORING' })).toEqual([]);
      expect(await list({ q: tag, measure: 'KOMPETANSENETTVERK' })).toEqual([]);
      // both filters together
      expect(await list({ q: tag, measure: 'SAMORDNET_ANSKAFFELSE', status: 'SUBMITTED' })).toEqual([ids.aSubmitted]);
      expect(await list({ q: tag, measure: 'INNFORING', status: 'DRAFT' })).toEqual([ids.draft]);
      expect(await list({ q: tag, measure: 'SAMORDNET_ANSKAFFELSE', status: 'RETURNED' })).toEqual([]);
      const bad = await t.http().get('/api/v1/applications').set(t.auth('officer')).query({ measure: 'innføring' }).expect(400);
      expect(bad.body.errors[0].field).toBe('measure');
    });

    it('an applicant filtering sees only their own consortium’s applications', async () => {
      const call = await createCall(t);
      const others = await submittedApplication(t, { pool, call });
      const own = await submittedApplication(t, { pool, call });
      const ownDraft = await createDraft(t, own.applicant.auth, {
        callId: call.id,
        consortiumId: own.consortium.id,
        title: 'Neste prosjekt',
      });
      await draftIn(call);
      const as = (auth: Auth) => async (query: Record<string, string>) =>
        (
          await t
            .http()
            .get('/api/v1/applications')
            .set(auth)
            .query({ callId: call.id, ...query })
            .expect(200)
        ).body.items.map((a: { id: string }) => a.id);
      expect(await as(t.auth('officer'))({ status: 'SUBMITTED' })).toEqual([others.application.id, own.application.id]);
      expect(await as(own.applicant.auth)({ status: 'SUBMITTED' })).toEqual([own.application.id]);
      expect(await as(own.applicant.auth)({ status: 'DRAFT' })).toEqual([ownDraft.id]);
      expect(await as(own.applicant.auth)({ measure: 'INNFORING' })).toEqual([own.application.id, ownDraft.id]);
      expect(await as(own.applicant.auth)({ measure: 'SAMORDNET_ANSKAFFELSE' })).toEqual([]);
    });
  });

  describe('withdrawal', () => {
    it('from ELIGIBLE: journaled, and the municipalities are free for another consortium in the same call', async () => {
      const call = await samordnet();
      const [shared, partner, other] = pool.take(3);
      const first = await submittedApplication(t, { pool, call, members: [shared, partner] });
      await t
        .http()
        .post(`/api/v1/applications/${first.application.id}/formal-check`)
        .set(t.auth('officer'))
        .send({ outcome: 'eligible' })
        .expect(200);

      // while the eligible application holds it, another consortium with the same municipality cannot submit
      const applicant = await applicantFor(t, other);
      const consortium = await createConsortium(t, applicant.auth, other, [other, shared]);
      const second = await createDraft(t, applicant.auth, completeDraft(call.id, consortium.id, call.measureCode));
      const refused = await t.http().post(`/api/v1/applications/${second.id}/submit`).set(applicant.auth).expect(422);
      expect(refused.body.errors.map((e: { code: string }) => e.code)).toEqual(['MUNICIPALITY_ALREADY_APPLIED']);

      const withdrawn = await withdraw(first.applicant.auth, first.application.id, 'Vi søker sammen med nabokommunen').expect(200);
      expect(withdrawn.body).toMatchObject({ status: 'WITHDRAWN', editable: false, caseNumber: first.application.caseNumber, version: 1 });
      expect(await journal(first.application.caseNumber)).toEqual(['I:SOKNAD', 'U:FORMALIA', 'I:TILBAKETREKKING']);
      const transitions = await t.dataSource.query(
        `SELECT from_state, to_state, actor_user_id, reason FROM state_transition WHERE entity_id = $1 AND event = 'withdraw'`,
        [first.application.id],
      );
      expect(transitions).toEqual([
        {
          from_state: 'ELIGIBLE',
          to_state: 'WITHDRAWN',
          actor_user_id: first.applicant.userId,
          reason: 'Vi søker sammen med nabokommunen',
        },
      ]);

      const submitted = await t.http().post(`/api/v1/applications/${second.id}/submit`).set(applicant.auth).expect(200);
      expect(submitted.body.status).toBe('SUBMITTED');
      // the officer no longer has it to process
      await t
        .http()
        .post(`/api/v1/applications/${first.application.id}/return`)
        .set(t.auth('officer'))
        .send({ reason: 'For sent' })
        .expect(409);
    });

    it('from DRAFT: allowed, with no case number and nothing journaled; the draft can no longer be changed or submitted', async () => {
      const call = await createCall(t);
      const { applicant, application } = await draftIn(call);
      const withdrawn = await withdraw(applicant.auth, application.id, 'Vi venter til neste utlysning').expect(200);
      expect(withdrawn.body).toMatchObject({ status: 'WITHDRAWN', caseNumber: null, editable: false });
      expect(await t.dataSource.query(`SELECT case_number FROM case_file WHERE application_id = $1`, [application.id])).toEqual([]);
      expect(
        await t.dataSource.query(
          `SELECT e.case_number FROM journal_entry e JOIN case_file c ON c.case_number = e.case_number WHERE c.application_id = $1`,
          [application.id],
        ),
      ).toEqual([]);
      const transitions = await t.dataSource.query(`SELECT from_state, to_state FROM state_transition WHERE entity_id = $1`, [
        application.id,
      ]);
      expect(transitions).toEqual([{ from_state: 'DRAFT', to_state: 'WITHDRAWN' }]);

      await t.http().patch(`/api/v1/applications/${application.id}`).set(applicant.auth).send({ purpose: 'Likevel' }).expect(409);
      await t.http().post(`/api/v1/applications/${application.id}/submit`).set(applicant.auth).expect(409);
      const still = await t.http().get(`/api/v1/applications/${application.id}`).set(t.auth('officer')).expect(200);
      expect(still.body).toMatchObject({ status: 'WITHDRAWN', caseNumber: null });
    });

    it('refuses to withdraw one already withdrawn or rejected (409), and changes nothing', async () => {
      const call = await createCall(t);
      const gone = await submittedApplication(t, { pool, call });
      await withdraw(gone.applicant.auth, gone.application.id).expect(200);
      const again = await withdraw(gone.applicant.auth, gone.application.id, 'En gang til').expect(409);
      expect(again.body).toMatchObject({ status: 409, code: 'INVALID_STATE_TRANSITION' });

      const rejected = await submittedApplication(t, { pool, call });
      await t
        .http()
        .post(`/api/v1/applications/${rejected.application.id}/formal-check`)
        .set(t.auth('officer'))
        .send({ outcome: 'rejected', reason: 'Samarbeidet oppfyller ikke kravene i utlysningen.' })
        .expect(200);
      const late = await withdraw(rejected.applicant.auth, rejected.application.id).expect(409);
      expect(late.body).toMatchObject({ status: 409, code: 'INVALID_STATE_TRANSITION' });

      for (const [s, status, entries] of [
        [gone, 'WITHDRAWN', ['I:SOKNAD', 'I:TILBAKETREKKING']],
        [rejected, 'REJECTED', ['I:SOKNAD', 'U:AVVISNING']],
      ] as const) {
        const now = await t.http().get(`/api/v1/applications/${s.application.id}`).set(t.auth('officer')).expect(200);
        expect(now.body.status).toBe(status);
        expect(await journal(s.application.caseNumber)).toEqual(entries);
        const withdrawals = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM state_transition WHERE entity_id = $1 AND event = 'withdraw'`,
          [s.application.id],
        );
        expect(withdrawals[0].n).toBe(status === 'WITHDRAWN' ? 1 : 0);
      }
    });
  });
});
