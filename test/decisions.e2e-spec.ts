import { createTestApp, TestApp } from './support/app';
import { createCall, MunicipalityPool } from './support/fixtures';
import { assessedApplication, officerApprover, proposedDecision } from './support/decisions';

const KR = 100;

describe('decisions: four eyes, the budget, the grant', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  const officer = () => t.auth('officer');
  const approver = () => t.auth('approver');

  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(() => t.close());

  it("drafts a decision prefilled from the rules: the request within the call's share, reasons, legal basis and standard conditions", async () => {
    const { application } = await assessedApplication(t, { pool });
    const res = await t.http().post(`/api/v1/applications/${application.id}/decisions`).set(officer()).send({});
    expect(res.status).toBe(201);
    // 1 000 000 kr requested of 2 000 000 kr eligible costs, within the call's 50 % share
    expect(res.body).toMatchObject({
      status: 'DRAFT',
      outcome: 'GRANTED',
      amountOre: 1_000_000 * KR,
      requestedOre: 1_000_000 * KR,
      maxAllowedOre: 1_000_000 * KR,
    });
    expect(res.body.reasons).toMatch(/innvilges med 1\u00a0000\u00a0000\u00a0kr/);
    expect(res.body.legalBasis).toMatch(/forvaltnings/);
    expect(res.body.conditions.map((c: { code: string }) => c.code)).toEqual(['PURPOSE', 'REPORTING', 'CHANGES']);
    expect(res.body.internal).toBeDefined();

    const partly = await t
      .http()
      .patch(`/api/v1/decisions/${res.body.id}`)
      .set(officer())
      .send({ amountOre: 600_000 * KR });
    expect(partly.body).toMatchObject({ outcome: 'PARTLY_GRANTED', amountOre: 600_000 * KR });
    const above = await t
      .http()
      .patch(`/api/v1/decisions/${res.body.id}`)
      .set(officer())
      .send({ amountOre: 1_000_001 * KR });
    expect(above.status).toBe(422);
    expect(above.body.code).toBe('AMOUNT_ABOVE_LIMIT');
    const mismatch = await t
      .http()
      .patch(`/api/v1/decisions/${res.body.id}`)
      .set(officer())
      .send({ outcome: 'GRANTED', amountOre: 500_000 * KR });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe('OUTCOME_AMOUNT_MISMATCH');
  });

  it('refuses an approval without a proposal, and the proposer approving its own decision', async () => {
    const both = await officerApprover(t);
    const { application } = await assessedApplication(t, { pool, requestedOre: 500_000 * KR });
    const draft = await t.http().post(`/api/v1/applications/${application.id}/decisions`).set(both.auth).send({});
    expect(draft.body.outcome).toBe('GRANTED');
    const early = await t.http().post(`/api/v1/decisions/${draft.body.id}/approve`).set(approver()).send({});
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('INVALID_STATE_TRANSITION');

    await t.http().post(`/api/v1/decisions/${draft.body.id}/propose`).set(both.auth).expect(200);
    const own = await t.http().post(`/api/v1/decisions/${draft.body.id}/approve`).set(both.auth).send({});
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('SEPARATION_OF_DUTIES');
    // an officer holds no approval right at all
    expect((await t.http().post(`/api/v1/decisions/${draft.body.id}/approve`).set(officer()).send({})).status).toBe(403);

    const ok = await t.http().post(`/api/v1/decisions/${draft.body.id}/approve`).set(approver()).send({ comment: 'Godkjent' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'SENT', approvedBy: t.userIds.approver });
    expect(ok.body.letter.entryNumber).toMatch(/^\d{4}\/\d{5}-\d+$/);
    const grant = await t.http().get(`/api/v1/grants/${ok.body.grantId}`).set(officer()).expect(200);
    expect(grant.body).toMatchObject({ status: 'AWAITING_ACCEPTANCE', amountOre: 500_000 * KR });
    expect(grant.body.paymentPlan.map((p: { amountOre: number }) => p.amountOre)).toEqual([250_000 * KR, 150_000 * KR, 100_000 * KR]);
    const [app] = await t.dataSource.query(`SELECT status FROM application WHERE id = $1`, [application.id]);
    expect(app.status).toBe('DECIDED');
  });

  it('returns a decision with a comment, and the officer proposes it again', async () => {
    const { application } = await assessedApplication(t, { pool, requestedOre: 400_000 * KR });
    const d = await proposedDecision(t, application.id);
    const ret = await t.http().post(`/api/v1/decisions/${d.id}/return`).set(approver()).send({ comment: 'Skriv mer om gevinstene.' });
    expect(ret.status).toBe(200);
    expect(ret.body.status).toBe('RETURNED');
    expect(ret.body.internal.returnComment).toBe('Skriv mer om gevinstene.');
    await t.http().patch(`/api/v1/decisions/${d.id}`).set(officer()).send({ reasons: 'Bedre begrunnet.' }).expect(200);
    await t.http().post(`/api/v1/decisions/${d.id}/propose`).set(officer()).expect(200);
  });

  it('refuses an approval above what is left of the budget, stating the amount left', async () => {
    const call = await createCall(t, { budgetOre: 1_000_000 * KR });
    const a = await assessedApplication(t, { pool, call, requestedOre: 600_000 * KR });
    const b = await assessedApplication(t, { pool, call, requestedOre: 500_000 * KR });
    const da = await proposedDecision(t, a.application.id);
    const db = await proposedDecision(t, b.application.id);
    await t.http().post(`/api/v1/decisions/${da.id}/approve`).set(approver()).send({}).expect(200);
    const refused = await t.http().post(`/api/v1/decisions/${db.id}/approve`).set(approver()).send({});
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'BUDGET_EXCEEDED', remainingOre: 400_000 * KR });
    const [c] = await t.dataSource.query(`SELECT committed_ore::text AS committed FROM call WHERE id = $1`, [call.id]);
    expect(c.committed).toBe(String(600_000 * KR));
    const still = await t.http().get(`/api/v1/decisions/${db.id}`).set(approver()).expect(200);
    expect(still.body.status).toBe('PROPOSED');
  });

  it('approves and returns many in one request, each as if alone', async () => {
    const call = await createCall(t, { budgetOre: 1_000_000 * KR });
    const apps = [];
    for (let i = 0; i < 3; i++) apps.push(await assessedApplication(t, { pool, call, requestedOre: 400_000 * KR }));
    const ds = [];
    for (const a of apps) ds.push(await proposedDecision(t, a.application.id));
    const res = await t
      .http()
      .post('/api/v1/decisions/bulk')
      .set(approver())
      .send({ action: 'approve', decisionIds: ds.map((d) => d.id) });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['approved', 'approved', 'refused']);
    expect(res.body.results[2].problem).toMatchObject({ code: 'BUDGET_EXCEEDED', remainingOre: 200_000 * KR });
  });

  it('the database refuses a committed amount above the budget or apart from the live grants', async () => {
    const call = await createCall(t, { budgetOre: 1_000_000 * KR });
    await expect(t.dataSource.query(`UPDATE call SET committed_ore = budget_ore + 1 WHERE id = $1`, [call.id])).rejects.toThrow(
      /check constraint/,
    );
    await expect(t.dataSource.query(`UPDATE call SET committed_ore = 5 WHERE id = $1`, [call.id])).rejects.toThrow(
      /live grants add up to 0/,
    );
  });
});

describe('decisions: rank order', () => {
  let t: TestApp;
  let pool: MunicipalityPool;

  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(() => t.close());

  it('funding a lower-ranked application while a higher-ranked one is rejected needs a written justification, shown to the approver', async () => {
    const call = await createCall(t);
    const high = await assessedApplication(t, { pool, call, requestedOre: 500_000 * KR, scores: [7, 7, 7, 7, 7, 7] });
    const low = await assessedApplication(t, { pool, call, requestedOre: 500_000 * KR, scores: [5, 5, 5, 5, 5, 5] });
    const ranking = await t.http().get(`/api/v1/calls/${call.id}/ranking`).set(t.auth('officer')).expect(200);
    expect(ranking.body.items.map((i: { applicationId: string }) => i.applicationId)).toEqual([high.application.id, low.application.id]);

    // the prefilled reasons carry the score, the rank and the heaviest criterion
    const rejected = await t
      .http()
      .post(`/api/v1/applications/${high.application.id}/decisions`)
      .set(t.auth('officer'))
      .send({ outcome: 'REJECTED' });
    expect(rejected.body.reasons).toMatch(/7,00.*nummer 1 av 2.*Sammenfallende behov og forankring/s);
    await t.http().post(`/api/v1/decisions/${rejected.body.id}/propose`).set(t.auth('officer')).expect(200);

    const draft = await t.http().post(`/api/v1/applications/${low.application.id}/decisions`).set(t.auth('officer')).send({});
    expect(draft.body.internal.outOfRank).toEqual([
      expect.objectContaining({ applicationId: high.application.id, rank: 1, outcome: 'REJECTED' }),
    ]);
    const refused = await t.http().post(`/api/v1/decisions/${draft.body.id}/propose`).set(t.auth('officer'));
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('OUT_OF_RANK_JUSTIFICATION_REQUIRED');
    expect(refused.body.conflicts[0]).toMatchObject({ applicationId: high.application.id, rank: 1 });

    const why = 'Søknaden rangert høyere er avslått fordi samarbeidet allerede har fått midler til samme formål.';
    await t.http().patch(`/api/v1/decisions/${draft.body.id}`).set(t.auth('officer')).send({ outOfRankJustification: why }).expect(200);
    await t.http().post(`/api/v1/decisions/${draft.body.id}/propose`).set(t.auth('officer')).expect(200);
    const seen = await t.http().get(`/api/v1/decisions/${draft.body.id}`).set(t.auth('approver')).expect(200);
    expect(seen.body.internal).toMatchObject({ outOfRankJustification: why, outOfRank: [expect.objectContaining({ rank: 1 })] });
    await t.http().post(`/api/v1/decisions/${draft.body.id}/approve`).set(t.auth('approver')).send({}).expect(200);

    // the applicant sees the decision once sent, and never the internal part
    const own = await t.http().get(`/api/v1/decisions/${draft.body.id}`).set(low.applicant.auth).expect(200);
    expect(own.body.internal).toBeUndefined();
    expect(JSON.stringify(own.body)).not.toContain(why);
    // the rejected one is not sent yet: its consortium does not know of it
    await t.http().get(`/api/v1/decisions/${rejected.body.id}`).set(high.applicant.auth).expect(404);
    await t.http().get(`/api/v1/decisions/${draft.body.id}`).set(high.applicant.auth).expect(404);
  });

  it('drafts a decision for every line of an allocation proposal in one request, each with the amount proposed', async () => {
    const call = await createCall(t, { budgetOre: 800_000 * KR });
    const first = await assessedApplication(t, { pool, call, requestedOre: 500_000 * KR, scores: [6, 6, 6, 6, 6, 6] });
    const second = await assessedApplication(t, { pool, call, requestedOre: 500_000 * KR, scores: [5, 5, 5, 5, 5, 5] });
    const proposal = await t.http().post(`/api/v1/calls/${call.id}/allocation-proposals`).set(t.auth('officer')).expect(201);
    // a decision already being prepared for one of them is left alone, and said so
    await t.http().post(`/api/v1/applications/${second.application.id}/decisions`).set(t.auth('officer')).send({}).expect(201);

    const res = await t.http().post(`/api/v1/allocation-proposals/${proposal.body.id}/decisions`).set(t.auth('officer'));
    expect(res.status).toBe(201);
    const byApp = Object.fromEntries(res.body.results.map((r: { applicationId: string }) => [r.applicationId, r]));
    expect(byApp[first.application.id]).toMatchObject({ outcome: 'drafted' });
    expect(byApp[second.application.id]).toMatchObject({ outcome: 'skipped', problem: { code: 'DECISION_IN_PREPARATION' } });
    const drafted = await t.http().get(`/api/v1/decisions/${byApp[first.application.id].decisionId}`).set(t.auth('officer')).expect(200);
    expect(drafted.body).toMatchObject({ outcome: 'GRANTED', amountOre: 500_000 * KR, status: 'DRAFT' });
    expect(drafted.body.internal.proposalId).toBe(proposal.body.id);
    await t.http().post(`/api/v1/allocation-proposals/00000000-0000-4000-8000-000000000000/decisions`).set(t.auth('officer')).expect(404);
  });
});
