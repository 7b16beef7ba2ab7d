import { NotificationScheduler } from '../src/notifications/notification.scheduler';
import { createTestApp, DemoRole, TestApp } from './support/app';
import { Auth, createCall, MunicipalityPool, submittedApplication } from './support/fixtures';
import { DUMMY_ID } from './support/routes';

const DAY_MS = 86400_000;
const CODES = ['BEHOV_FORANKRING', 'BREDDE', 'STANDARDER', 'GJENNOMFORING', 'GEVINST', 'DELING'];

/** One answer per demo criterion, in their order (weights 25, 20, 20, 15, 15, 5); null is N/A. */
function answers(values: Array<number | null>) {
  return values.map((v, i) =>
    v === null
      ? { criterion: CODES[i], notApplicable: true, rationale: 'Ikke relevant her' }
      : { criterion: CODES[i], score: v, rationale: 'Begrunnet' },
  );
}

describe('assessment', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  const officer = () => t.auth('officer');

  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t);
  });
  afterAll(() => t.close());

  async function eligibleApplication(call?: { id: string; measureCode: string }) {
    const s = await submittedApplication(t, { pool, call });
    await t.http().post(`/api/v1/applications/${s.application.id}/formal-check`).set(officer()).send({ outcome: 'eligible' }).expect(200);
    return s;
  }

  async function assign(applicationId: string, role: DemoRole) {
    const res = await t
      .http()
      .post(`/api/v1/applications/${applicationId}/assignments`)
      .set(officer())
      .send({ assessorId: t.userIds[role] });
    if (res.status !== 201) throw new Error(`assign: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; status: string };
  }

  async function score(assignmentId: string, auth: Auth, values: Array<number | null>, recommendation = 'FUND') {
    await t.http().post(`/api/v1/assignments/${assignmentId}/declaration`).set(auth).send({ conflict: false }).expect(200);
    await t
      .http()
      .put(`/api/v1/assignments/${assignmentId}/scores`)
      .set(auth)
      .send({ scores: answers(values) })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/assignments/${assignmentId}/complete`)
      .set(auth)
      .send({ recommendation, comment: 'Godt begrunnet søknad.' })
      .expect(200);
  }

  const status = async (id: string) => (await t.dataSource.query(`SELECT status FROM application WHERE id = $1`, [id]))[0].status;

  describe('criteria as rows', () => {
    it('a published call version has its criteria as rows, and the database refuses a score off the scale or for an unknown criterion', async () => {
      const { application, call } = await eligibleApplication();
      const rows = await t.dataSource.query(
        `SELECT code, weight, scale_min, scale_max FROM call_criterion WHERE call_id = $1 ORDER BY position`,
        [call.id],
      );
      expect(rows.map((r: { code: string }) => r.code)).toEqual(CODES);
      const a = await assign(application.id, 'assessor');
      const [c] = await t.dataSource.query(`SELECT id FROM call_criterion WHERE call_id = $1 AND code = 'BREDDE'`, [call.id]);
      const insert = (criterionId: string, value: number | null, na = false, naAllowed = true) =>
        t.dataSource.query(
          `INSERT INTO assessment_score (assignment_id, criterion_id, call_id, call_version, scale_min, scale_max, na_allowed, score, not_applicable, rationale)
           VALUES ($1, $2, $3, 1, 1, 7, $6, $4, $5, 'x')`,
          [a.id, criterionId, call.id, value, na, naAllowed],
        );
      await expect(insert(DUMMY_ID, 4)).rejects.toThrow(/foreign key/);
      await expect(insert(c.id, 8)).rejects.toThrow(/check constraint/);
      await expect(insert(c.id, 0)).rejects.toThrow(/check constraint/);
      // a row that lies about the criterion's N/A rule does not match the criterion
      await expect(insert(c.id, null, true, false)).rejects.toThrow(/check constraint|foreign key/);
      await insert(c.id, 7);
    });
  });

  describe('the conflict-of-interest gate', () => {
    it('before declaring, an assessor sees title, call and members only; after a no-conflict declaration it reads the content', async () => {
      const { application, consortium } = await eligibleApplication();
      const a = await assign(application.id, 'assessor');
      expect(await status(application.id)).toBe('IN_ASSESSMENT');
      const auth = t.auth('assessor');
      const view = await t.http().get(`/api/v1/assignments/${a.id}`).set(auth).expect(200);
      expect(view.body).toMatchObject({ status: 'ASSIGNED', title: 'Felles journalløsning i regionen', mayRead: false, declaration: null });
      expect(view.body.consortium.members.map((m: { municipalityNumber: string }) => m.municipalityNumber).sort()).toEqual(
        consortium.members.map((m) => m.municipalityNumber).sort(),
      );
      expect(JSON.stringify(view.body)).not.toContain('budgetLines');
      expect(JSON.stringify(view.body)).not.toContain('requestedAmountOre');
      for (const path of ['application', 'versions', 'versions/1', `attachments/${DUMMY_ID}`, 'scores', 'peer-scores']) {
        const res = await t.http().get(`/api/v1/assignments/${a.id}/${path}`).set(auth);
        expect([path, res.status, res.body.code]).toEqual([path, 403, 'NOT_DECLARED']);
      }
      await t
        .http()
        .put(`/api/v1/assignments/${a.id}/scores`)
        .set(auth)
        .send({ scores: answers([4]) })
        .expect(403);
      // the application routes give an assessor nothing at all
      await t.http().get(`/api/v1/applications/${application.id}`).set(auth).expect(404);
      // another assessor does not see the assignment exists
      await t.http().get(`/api/v1/assignments/${a.id}`).set(t.auth('assessor2')).expect(404);

      await t.http().post(`/api/v1/assignments/${a.id}/declaration`).set(auth).send({ conflict: false }).expect(200);
      // the declared assignment opens the application route too (a grant assessment registers), without personal data
      const read = await t.http().get(`/api/v1/applications/${application.id}`).set(auth).expect(200);
      expect(read.body).toMatchObject({ id: application.id, personalDataWithheld: true });
      await t.http().get(`/api/v1/applications/${application.id}`).set(t.auth('assessor2')).expect(404);
      await t.http().patch(`/api/v1/applications/${application.id}`).set(auth).send({ title: 'Endret' }).expect(403);
      const content = await t.http().get(`/api/v1/assignments/${a.id}/application`).set(auth).expect(200);
      expect(content.body).toMatchObject({
        version: 1,
        content: { title: 'Felles journalløsning i regionen', requestedAmountOre: 100_000_000 },
      });
      expect((await t.http().get(`/api/v1/assignments/${a.id}/versions`).set(auth).expect(200)).body.items).toHaveLength(1);
      await t.http().get(`/api/v1/assignments/${a.id}/attachments/${DUMMY_ID}`).set(auth).expect(404);
      // the others' scores only after completing one's own
      expect((await t.http().get(`/api/v1/assignments/${a.id}/peer-scores`).set(auth).expect(403)).body.code).toBe(
        'OWN_ASSESSMENT_NOT_COMPLETED',
      );
      const mine = await t.http().get('/api/v1/me/assignments').set(auth).expect(200);
      expect(mine.body.items.find((x: { id: string }) => x.id === a.id)).toMatchObject({ status: 'DECLARED', dueAt: expect.any(String) });
    });

    it('an assessor tied to a member organisation is refused with the tie named; a declared conflict ends the assignment and tells the officer', async () => {
      const { application, consortium } = await eligibleApplication();
      const member = consortium.members[1];
      await t
        .http()
        .put('/api/v1/me/ties')
        .set(t.auth('assessor2'))
        .send({ ties: [{ organisationId: member.organisationId, kind: 'BOARD_MEMBER', validFrom: '2020-01-01' }] })
        .expect(200);
      const ties = await t.http().get(`/api/v1/users/${t.userIds.assessor2}/ties`).set(officer()).expect(200);
      expect(ties.body.items).toEqual([
        expect.objectContaining({ organisationId: member.organisationId, kind: 'BOARD_MEMBER', validTo: null }),
      ]);
      const refused = await t
        .http()
        .post(`/api/v1/applications/${application.id}/assignments`)
        .set(officer())
        .send({ assessorId: t.userIds.assessor2 })
        .expect(409);
      expect(refused.body.code).toBe('ASSESSOR_TIED');
      expect(refused.body.detail).toMatch(/Finn Fagkyndig is on the board of .+, a member of the consortium/);
      expect(refused.body.ties).toEqual([
        expect.objectContaining({ organisationId: member.organisationId, kind: 'BOARD_MEMBER', source: 'declared' }),
      ]);

      const a = await assign(application.id, 'assessor');
      await t.http().post(`/api/v1/assignments/${a.id}/declaration`).set(t.auth('assessor')).send({ conflict: true }).expect(400);
      const recused = await t
        .http()
        .post(`/api/v1/assignments/${a.id}/declaration`)
        .set(t.auth('assessor'))
        .send({ conflict: true, description: 'Søsteren min er rådmann i en av kommunene.' })
        .expect(200);
      expect(recused.body).toMatchObject({ status: 'RECUSED', declaration: { conflict: true }, mayRead: false });
      await t.http().get(`/api/v1/assignments/${a.id}/application`).set(t.auth('assessor')).expect(403);
      const mail = await t.dataSource.query(
        `SELECT recipient_email FROM notification WHERE event = 'assessment.conflict_declared' AND entity_id = $1`,
        [a.id],
      );
      expect(mail).toEqual([{ recipient_email: 'officer@demo.local' }]);
      // the officer can assign someone else (and the same assessor again later is a new assignment)
      await assign(application.id, 'officer');
      await t.http().put('/api/v1/me/ties').set(t.auth('assessor2')).send({ ties: [] }).expect(200);
    });
  });

  it('three assessors with N/A criteria, a moderation, and a reopen: the worked example of src/assessment/scoring.spec.ts', async () => {
    const { application } = await eligibleApplication();
    const [a1, a2, a3] = [
      await assign(application.id, 'assessor'),
      await assign(application.id, 'assessor2'),
      await assign(application.id, 'officer'),
    ];
    // 470/95 = 4.947368…, 425/100 = 4.25, 200/80 = 2.5
    await score(a1.id, t.auth('assessor'), [6, 5, 5, 4, 4, null]);
    const peers = await t.http().get(`/api/v1/assignments/${a1.id}/peer-scores`).set(t.auth('assessor')).expect(200);
    expect(peers.body.items).toEqual([]);
    await score(a2.id, t.auth('assessor2'), [5, 5, 4, 4, 3, 3]);
    // an assessment missing a criterion cannot be completed
    await t.http().post(`/api/v1/assignments/${a3.id}/declaration`).set(officer()).send({ conflict: false }).expect(200);
    await t
      .http()
      .put(`/api/v1/assignments/${a3.id}/scores`)
      .set(officer())
      .send({ scores: answers([3, 2, null, 3, 2]) })
      .expect(200);
    const incomplete = await t
      .http()
      .post(`/api/v1/assignments/${a3.id}/complete`)
      .set(officer())
      .send({ recommendation: 'DO_NOT_FUND', comment: 'Svak plan.' })
      .expect(422);
    expect(incomplete.body.errors).toEqual([expect.objectContaining({ field: 'scores.DELING', code: 'CRITERIA_UNANSWERED' })]);
    const bad = await t
      .http()
      .put(`/api/v1/assignments/${a3.id}/scores`)
      .set(officer())
      .send({
        scores: [
          { criterion: 'DELING', score: 9 },
          { criterion: 'NOPE', score: 3 },
          { criterion: 'BREDDE', score: 1 },
        ],
      })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`)).toEqual([
      'scores[0].score:SCORE_OUT_OF_SCALE',
      'scores[1].criterion:UNKNOWN_CRITERION',
      'scores[2].rationale:RATIONALE_REQUIRED',
    ]);
    await t
      .http()
      .put(`/api/v1/assignments/${a3.id}/scores`)
      .set(officer())
      .send({ scores: answers([3, 2, null, 3, 2, 2]) })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/assignments/${a3.id}/complete`)
      .set(officer())
      .send({ recommendation: 'DO_NOT_FUND', comment: 'Svak plan.' })
      .expect(200);
    await t
      .http()
      .put(`/api/v1/assignments/${a3.id}/scores`)
      .set(officer())
      .send({ scores: answers([4]) })
      .expect(409);

    // all complete, but they disagree: 4.947 − 2.5 = 2.447 > 1.5, so it waits for moderation
    expect(await status(application.id)).toBe('IN_ASSESSMENT');
    const agg = (await t.http().get(`/api/v1/applications/${application.id}/assessment`).set(officer()).expect(200)).body;
    expect(agg.assessments.map((x: { weightedScore: number }) => x.weightedScore)).toEqual([4.95, 4.25, 2.5]);
    expect(agg.aggregate).toMatchObject({
      completed: 3,
      meanScore: 3.9,
      spread: 2.45,
      needsModeration: true,
      moderated: false,
      score: 3.9,
    });
    expect(agg.aggregate.moderationReasons).toEqual(['weighted scores differ by 2.45 (more than 1.5)']);
    expect(agg.aggregate.criteria.map((c: { code: string; mean: number; spread: number }) => [c.code, c.mean, c.spread])).toEqual([
      ['BEHOV_FORANKRING', 4.67, 3],
      ['BREDDE', 4, 3],
      ['STANDARDER', 4.5, 1],
      ['GJENNOMFORING', 3.67, 1],
      ['GEVINST', 3, 2],
      ['DELING', 2.5, 1],
    ]);
    const peers2 = await t.http().get(`/api/v1/assignments/${a1.id}/peer-scores`).set(t.auth('assessor')).expect(200);
    expect(peers2.body.items.map((x: { weightedScore: number }) => x.weightedScore)).toEqual([4.25, 2.5]);

    // moderation: A5 B4 C4 D4 E3 F N/A → 390/95 = 4.105263…, which counts; the assessors' scores stay
    const agreed = answers([5, 4, 4, 4, 3, null]);
    const missingRationale = await t
      .http()
      .post(`/api/v1/applications/${application.id}/moderation`)
      .set(officer())
      .send({ scores: agreed.map((s) => ({ ...s, rationale: undefined })) })
      .expect(400);
    expect(missingRationale.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      agreed.map((_, i) => `scores[${i}].rationale`),
    );
    const moderated = (
      await t
        .http()
        .post(`/api/v1/applications/${application.id}/moderation`)
        .set(officer())
        .send({ scores: agreed, note: 'Enighet etter møte' })
        .expect(200)
    ).body;
    expect(moderated.aggregate).toMatchObject({ moderated: true, score: 4.11, meanScore: 3.9 });
    expect(moderated.assessments.map((x: { weightedScore: number }) => x.weightedScore)).toEqual([4.95, 4.25, 2.5]);
    expect(moderated.status).toBe('ASSESSED');
    const journal = await t.dataSource.query(
      `SELECT direction, document_type FROM journal_entry WHERE case_number = (SELECT case_number FROM application WHERE id = $1) ORDER BY seq`,
      [application.id],
    );
    expect(
      journal.filter((j: { direction: string }) => j.direction === 'N').map((j: { document_type: string }) => j.document_type),
    ).toEqual(['FAGLIG_VURDERING', 'FAGLIG_VURDERING', 'FAGLIG_VURDERING', 'MODERERING']);
    // the formal check's notice is mailed to the applicant, so it is an outgoing letter (U), not an internal note
    expect(journal.filter((j: { document_type: string }) => j.document_type === 'FORMALIA')).toEqual([
      { direction: 'U', document_type: 'FORMALIA' },
    ]);

    // reopen: back in assessment, the earlier round kept, the assessor rescores
    await t.http().post(`/api/v1/assignments/${a2.id}/reopen`).set(t.auth('assessor2')).send({ reason: 'x' }).expect(403);
    await t
      .http()
      .post(`/api/v1/assignments/${a2.id}/reopen`)
      .set(officer())
      .send({ reason: 'Vurderte feil versjon av budsjettet' })
      .expect(200);
    expect(await status(application.id)).toBe('IN_ASSESSMENT');
    await t.http().post(`/api/v1/assignments/${a2.id}/reopen`).set(officer()).send({ reason: 'igjen' }).expect(409);
    await t
      .http()
      .put(`/api/v1/assignments/${a2.id}/scores`)
      .set(t.auth('assessor2'))
      .send({ scores: answers([6, 5, 4, 4, 3, 3]) })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/assignments/${a2.id}/complete`)
      .set(t.auth('assessor2'))
      .send({ recommendation: 'FUND_WITH_CONDITIONS', comment: 'Med vilkår om plan.' })
      .expect(200);
    const history = (await t.http().get(`/api/v1/assignments/${a2.id}/history`).set(t.auth('assessor2')).expect(200)).body;
    expect(history).toMatchObject({
      currentRound: 2,
      rounds: [{ round: 1, weightedScore: 4.25, recommendation: 'FUND', reason: 'Vurderte feil versjon av budsjettet' }],
    });
    expect(history.rounds[0].scores[0]).toEqual({ code: 'BEHOV_FORANKRING', score: 5, rationale: 'Begrunnet' });
    expect(await status(application.id)).toBe('ASSESSED');
  });

  it('ranking and allocation on a call whose budget runs out in the middle of the list', async () => {
    // 2 500 000 kr; every application asks 1 000 000 kr of 2 000 000 kr eligible costs (the 50 % the rules allow)
    const call = await createCall(t, { budgetOre: 250_000_000 });
    const apps: Array<{ id: string }> = [];
    for (let i = 0; i < 5; i++) apps.push((await eligibleApplication(call)).application);
    // weighted: 6.0, 5.5 (150+100+120+75+75+30 = 550), 5.0, 4.5 (125+80+100+60+60+25 = 450), 3.0 — given in a shuffled order
    const scores: Array<Array<number>> = [
      [5, 5, 5, 5, 5, 5],
      [3, 3, 3, 3, 3, 3],
      [6, 6, 6, 6, 6, 6],
      [5, 4, 5, 4, 4, 5],
      [6, 5, 6, 5, 5, 6],
    ];
    for (const [i, app] of apps.entries()) await score((await assign(app.id, 'assessor')).id, t.auth('assessor'), scores[i]);
    const extra = (await eligibleApplication(call)).application; // not assessed yet
    await assign(extra.id, 'assessor2');

    const ranking = (await t.http().get(`/api/v1/calls/${call.id}/ranking`).set(officer()).expect(200)).body;
    expect(ranking.tieBreak).toMatch(/heaviest criterion/);
    expect(
      ranking.items.map(
        (r: { rank: number; applicationId: string; score: number; awaiting: string | null; cumulativeRequestedOre: number }) => [
          r.rank,
          apps.indexOf(apps.find((a) => a.id === r.applicationId)!),
          r.score,
          r.awaiting,
          r.cumulativeRequestedOre / 100,
        ],
      ),
    ).toEqual([
      [1, 2, 6, null, 1_000_000],
      [2, 4, 5.5, null, 2_000_000],
      [3, 0, 5, null, 3_000_000],
      [4, 3, 4.5, null, 4_000_000],
      [5, 1, 3, null, 5_000_000],
      [6, -1, null, 'ASSESSMENT', 6_000_000],
    ]);
    expect(ranking.items[0]).toMatchObject({
      requestedOre: 100_000_000,
      maxAllowedOre: 100_000_000,
      assessments: { completed: 1, live: 1 },
      withinBudget: true,
      recommendations: { FUND: 1 },
    });
    expect(ranking.items[3].withinBudget).toBe(false);

    await t.http().post(`/api/v1/calls/${call.id}/allocation-proposals`).set(t.auth('assessor')).expect(403);
    const p1 = (await t.http().post(`/api/v1/calls/${call.id}/allocation-proposals`).set(officer()).expect(201)).body;
    expect(p1.lines.map((l: { rank: number; outcome: string; proposedOre: number }) => [l.rank, l.outcome, l.proposedOre / 100])).toEqual([
      [1, 'FULL', 1_000_000],
      [2, 'FULL', 1_000_000],
      [3, 'PARTIAL', 500_000],
      [4, 'NONE', 0],
      [5, 'NONE', 0],
      [6, 'NONE', 0],
    ]);
    expect(p1).toMatchObject({ version: 1, budgetOre: 250_000_000, totalOre: 250_000_000, remainingOre: 0 });
    expect(p1.lines[4].note).toBe('below the minimum score 4');

    const fourth = p1.lines[3].applicationId;
    const third = p1.lines[2].applicationId;
    const over = await t
      .http()
      .post(`/api/v1/allocation-proposals/${p1.id}/adjustments`)
      .set(officer())
      .send({ lines: [{ applicationId: fourth, amountOre: 100_000_000, reason: 'Strategisk viktig' }] })
      .expect(422);
    expect(over.body).toMatchObject({ code: 'PROPOSAL_OVER_BUDGET', overByOre: 100_000_000, totalOre: 350_000_000 });
    expect(over.body.detail).toContain('100000000 øre over the budget');
    const above = await t
      .http()
      .post(`/api/v1/allocation-proposals/${p1.id}/adjustments`)
      .set(officer())
      .send({ lines: [{ applicationId: fourth, amountOre: 100_000_001, reason: 'x y z' }] })
      .expect(400);
    expect(above.body.errors[0]).toMatchObject({ field: 'lines[0].amountOre', code: 'ABOVE_ALLOWED' });

    const p2 = (
      await t
        .http()
        .post(`/api/v1/allocation-proposals/${p1.id}/adjustments`)
        .set(officer())
        .send({
          lines: [
            { applicationId: third, amountOre: 0, reason: 'Deler heller ut på nummer fire' },
            { applicationId: fourth, amountOre: 50_000_000, reason: 'Dekker behovet i første fase' },
          ],
        })
        .expect(201)
    ).body;
    expect(p2).toMatchObject({ version: 2, basedOn: p1.id, totalOre: 250_000_000 });
    expect(
      p2.lines.map((l: { outcome: string; proposedOre: number; adjustmentReason: string | null }) => [
        l.outcome,
        l.proposedOre / 100,
        l.adjustmentReason,
      ]),
    ).toEqual([
      ['FULL', 1_000_000, null],
      ['FULL', 1_000_000, null],
      ['NONE', 0, 'Deler heller ut på nummer fire'],
      ['PARTIAL', 500_000, 'Dekker behovet i første fase'],
      ['NONE', 0, null],
      ['NONE', 0, null],
    ]);
    // the earlier version stays readable; only the latest is adjusted
    expect((await t.http().get(`/api/v1/allocation-proposals/${p1.id}`).set(officer()).expect(200)).body.lines[2].proposedOre).toBe(
      50_000_000,
    );
    expect(
      (
        await t
          .http()
          .post(`/api/v1/allocation-proposals/${p1.id}/adjustments`)
          .set(officer())
          .send({ lines: [{ applicationId: fourth, amountOre: 0, reason: 'x y z' }] })
          .expect(409)
      ).body.code,
    ).toBe('PROPOSAL_SUPERSEDED');
    expect(
      (await t.http().get(`/api/v1/calls/${call.id}/allocation-proposals`).set(officer()).expect(200)).body.items.map(
        (p: { version: number }) => p.version,
      ),
    ).toEqual([2, 1]);
    // the database holds the budget whatever the code does
    await expect(
      t.dataSource.query(
        `INSERT INTO allocation_proposal (call_id, version, budget_ore, total_ore, tie_break, created_at) VALUES ($1, 99, 100, 101, 'x', now())`,
        [call.id],
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('bulk assignment spreads the load evenly and skips a tied assessor', async () => {
    const call = await createCall(t);
    const apps: Array<Awaited<ReturnType<typeof eligibleApplication>>> = [];
    for (let i = 0; i < 4; i++) apps.push(await eligibleApplication(call));
    await t
      .http()
      .put('/api/v1/me/ties')
      .set(t.auth('assessor'))
      .send({ ties: [{ organisationId: apps[0].consortium.members[0].organisationId, kind: 'EMPLOYED' }] })
      .expect(200);
    const res = await t
      .http()
      .post(`/api/v1/calls/${call.id}/assignments`)
      .set(officer())
      .send({ assessorIds: [t.userIds.assessor, t.userIds.assessor2, t.userIds.officer], perApplication: 2 })
      .expect(201);
    expect(res.body.shortfalls).toEqual([]);
    expect(res.body.skipped).toEqual([
      expect.objectContaining({
        applicationId: apps[0].application.id,
        assessorId: t.userIds.assessor,
        reason: expect.stringMatching(/employed by/),
      }),
    ]);
    expect(res.body.assigned).toHaveLength(8);
    expect(Object.values(res.body.load).sort()).toEqual([2, 3, 3]);
    for (const a of apps) {
      const list = (await t.http().get(`/api/v1/applications/${a.application.id}/assignments`).set(officer()).expect(200)).body.items;
      expect(list).toHaveLength(2);
      expect(await status(a.application.id)).toBe('IN_ASSESSMENT');
    }
    expect(
      res.body.assigned.filter(
        (x: { applicationId: string; assessorId: string }) =>
          x.applicationId === apps[0].application.id && x.assessorId === t.userIds.assessor,
      ),
    ).toEqual([]);
    const all = (await t.http().get(`/api/v1/calls/${call.id}/assignments`).set(officer()).query({ status: 'ASSIGNED' }).expect(200)).body
      .items;
    expect(all).toHaveLength(8);
    // a second run finds every application staffed
    const again = await t
      .http()
      .post(`/api/v1/calls/${call.id}/assignments`)
      .set(officer())
      .send({ assessorIds: [t.userIds.assessor2], perApplication: 1 })
      .expect(201);
    expect(again.body.assigned).toEqual([]);
    await t.http().put('/api/v1/me/ties').set(t.auth('assessor')).send({ ties: [] }).expect(200);

    // reminders before the deadline, through the notification pipeline, once per deadline
    const scheduler = t.app.get(NotificationScheduler);
    const due = new Date(all[0].dueAt);
    await scheduler.runReminders(new Date(due.getTime() - 2 * DAY_MS));
    await scheduler.runReminders(new Date(due.getTime() - 2 * DAY_MS));
    const reminders = await t.dataSource.query(
      `SELECT recipient_email FROM notification WHERE event = 'assessment.reminder' AND entity_id = $1`,
      [all[0].id],
    );
    expect(reminders).toHaveLength(1);
  });
});
