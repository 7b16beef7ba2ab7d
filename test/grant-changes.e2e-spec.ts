import { createTestApp, TestApp } from './support/app';
import { officerApprover } from './support/decisions';
import { applicantFor, MunicipalityPool } from './support/fixtures';
import { activeGrant, grantReports } from './support/reports';

/**
 * Change requests (endringssøknad, issue 14) on an active grant decided for a project from 1 July 2027 to 31 December
 * 2029, with 2 000 000 kr of eligible costs (PROSESSENDRING 2027 600 000, 2028 600 000; SAMHANDLINGSFUNKSJONALITET
 * 2028 800 000) and 1 000 000 kr granted, for a consortium of two municipalities (the call's minimum).
 */
describe('change requests: extension, budget move, members', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  const officer = () => t.auth('officer');
  const approver = () => t.auth('approver');

  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(() => t.close());

  const journal = async (caseNumber: string) =>
    (
      await t
        .http()
        .get(`/api/v1/cases/${encodeURIComponent(caseNumber)}/journal`)
        .set(officer())
        .expect(200)
    ).body.entries as Array<{ entryNumber: string; direction: string; documentType: string; title: string }>;

  const finalTranche = async (grantId: string) => {
    const g = await t.http().get(`/api/v1/grants/${grantId}`).set(officer()).expect(200);
    return g.body.ledger.tranches.find((x: { trigger: string }) => x.trigger === 'FINAL_REPORT_APPROVED') as { expectedOn: string };
  };

  it('(1) an approved extension moves the final report and its tranche; a rejected one moves nothing; both send a letter', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const finalDue = async () => (await grantReports(t, g.grantId)).find((r) => r.kind === 'FINAL')!.dueOn;
    expect(await finalDue()).toBe('2030-03-31');
    expect((await finalTranche(g.grantId)).expectedOn).toBe('2030-03-31');

    // rejected: nothing moves, the letter is journaled
    const first = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/change-requests`)
      .set(g.applicant.auth)
      .send({ reasons: 'Leverandøren er forsinket.', projectEnd: '2030-06-30' })
      .expect(201);
    expect(first.body).toMatchObject({ number: 1, entryNumber: expect.stringMatching(/^\d{4}\/\d{5}-\d+$/) });
    expect(first.body.changeRequest).toMatchObject({ status: 'SUBMITTED', needsSecondApproval: false, flags: [] });
    const rejected = await t
      .http()
      .post(`/api/v1/change-requests/${first.body.changeRequestId}/decision`)
      .set(officer())
      .send({ outcome: 'REJECT', reasons: 'Forsinkelsen er ikke dokumentert.' })
      .expect(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', letter: { language: expect.stringMatching(/^(nb|nn)$/) } });
    expect(await finalDue()).toBe('2030-03-31');
    expect((await finalTranche(g.grantId)).expectedOn).toBe('2030-03-31');

    // approved: the final report and the final tranche move, a new version of the terms is in force
    const second = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/change-requests`)
      .set(g.applicant.auth)
      .set('Idempotency-Key', `ext-${g.grantId}`)
      .send({ reasons: 'Leverandøren er forsinket, dokumentert i vedlagt plan.', projectEnd: '2030-06-30' })
      .expect(201);
    const id = second.body.changeRequestId;
    // a retry with the same key makes no second request
    const again = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/change-requests`)
      .set(g.applicant.auth)
      .set('Idempotency-Key', `ext-${g.grantId}`)
      .send({ reasons: 'Leverandøren er forsinket, dokumentert i vedlagt plan.', projectEnd: '2030-06-30' })
      .expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.changeRequestId).toBe(id);
    const approved = await t
      .http()
      .post(`/api/v1/change-requests/${id}/decision`)
      .set(officer())
      .send({ outcome: 'APPROVE', reasons: 'Forsinkelsen skyldes leverandøren.' })
      .expect(200);
    expect(approved.body.status).toBe('APPROVED');
    expect(await finalDue()).toBe('2030-09-30');
    expect((await finalTranche(g.grantId)).expectedOn).toBe('2030-09-30');
    const grant = await t.http().get(`/api/v1/grants/${g.grantId}`).set(g.applicant.auth).expect(200);
    expect(grant.body.terms.map((x: { version: number; projectEnd: string }) => [x.version, x.projectEnd])).toEqual([
      [1, '2029-12-31'],
      [2, '2030-06-30'],
    ]);
    expect(grant.body.termsVersionInForce).toBe(2);

    const entries = await journal(g.caseNumber);
    expect(entries.filter((e) => e.documentType === 'ENDRINGSSOKNAD').map((e) => e.direction)).toEqual(['I', 'I']);
    expect(entries.filter((e) => e.documentType === 'VEDTAK_ENDRING').map((e) => e.direction)).toEqual(['U', 'U']);
    const pdf = await t.http().get(`/api/v1/change-requests/${id}/letter`).set(g.applicant.auth).buffer(true).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const html = await t.http().get(`/api/v1/change-requests/${id}/letter`).query({ format: 'html' }).set(g.applicant.auth).expect(200);
    expect(html.text).toContain('2030-06-30');

    // another consortium's applicant sees nothing of it
    const stranger = await applicantFor(t, pool.take(1)[0]);
    await t.http().get(`/api/v1/change-requests/${id}`).set(stranger.auth).expect(404);
    await t.http().get(`/api/v1/grants/${g.grantId}/change-requests`).set(stranger.auth).expect(404);
    const mine = await t.http().get(`/api/v1/grants/${g.grantId}/change-requests`).set(g.applicant.auth).expect(200);
    expect(mine.body.items.map((x: { status: string }) => x.status)).toEqual(['REJECTED', 'APPROVED']);
  });

  it('(2) a budget move above the threshold needs an approver who is not the officer; then the report compares with the new lines', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    // 150 000 kr moved from process change 2027 to collaboration functionality 2028: 15 % of the 1 000 000 kr granted
    const lines = [
      { costCategory: 'PROSESSENDRING', year: 2027, amountOre: 45_000_000 },
      { costCategory: 'PROSESSENDRING', year: 2028, amountOre: 60_000_000 },
      { costCategory: 'SAMHANDLINGSFUNKSJONALITET', year: 2028, amountOre: 95_000_000 },
    ];
    // totals must balance and categories exist
    const unbalanced = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/change-requests`)
      .set(g.applicant.auth)
      .send({ reasons: 'Omfordeling.', budget: { lines: [...lines.slice(0, 2), { ...lines[2], amountOre: 96_000_000 }] } })
      .expect(422);
    expect(unbalanced.body.errors.map((e: { code: string }) => e.code)).toContain('BUDGET_TOTAL_CHANGED');
    const unknown = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/change-requests`)
      .set(g.applicant.auth)
      .send({ reasons: 'Omfordeling.', budget: { lines: [...lines.slice(0, 2), { ...lines[2], costCategory: 'NORMAL_DRIFT' }] } })
      .expect(422);
    expect(unknown.body.errors.map((e: { code: string }) => e.code)).toContain('UNKNOWN_COST_CATEGORY');

    const sent = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/change-requests`)
      .set(g.applicant.auth)
      .send({ reasons: 'Mer samhandlingsfunksjonalitet enn planlagt.', budget: { lines } })
      .expect(201);
    const id = sent.body.changeRequestId;
    expect(sent.body.changeRequest).toMatchObject({ movedOre: 15_000_000, needsSecondApproval: true });

    // the officer alone is refused
    const alone = await t
      .http()
      .post(`/api/v1/change-requests/${id}/decision`)
      .set(officer())
      .send({ outcome: 'APPROVE', reasons: 'Godt begrunnet.' })
      .expect(403);
    expect(alone.body.code).toBe('SECOND_APPROVAL_REQUIRED');
    // one person holding both roles recommends and cannot confirm it too
    const both = await officerApprover(t);
    await t
      .http()
      .post(`/api/v1/change-requests/${id}/decision`)
      .set(both.auth)
      .send({ outcome: 'RECOMMEND', reasons: 'Godt begrunnet.' })
      .expect(200);
    const self = await t
      .http()
      .post(`/api/v1/change-requests/${id}/confirmation`)
      .set(both.auth)
      .send({ outcome: 'APPROVE', reasons: 'Enig.' })
      .expect(403);
    expect(self.body.code).toBe('SEPARATION_OF_DUTIES');
    const report = (await grantReports(t, g.grantId)).find((r) => r.kind === 'FINAL')!;
    const before = await t.http().get(`/api/v1/reports/${report.id}`).set(officer()).expect(200);
    expect(before.body.budget).toContainEqual(
      expect.objectContaining({ costCategory: 'SAMHANDLINGSFUNKSJONALITET', year: 2028, approvedOre: 80_000_000 }),
    );

    // a different approver confirms: new terms, and the report's budget comparison uses the new lines
    const confirmed = await t
      .http()
      .post(`/api/v1/change-requests/${id}/confirmation`)
      .set(approver())
      .send({ outcome: 'APPROVE', reasons: 'Enig i innstillingen.' })
      .expect(200);
    expect(confirmed.body.status).toBe('APPROVED');
    const after = await t.http().get(`/api/v1/reports/${report.id}`).set(officer()).expect(200);
    expect(after.body.budget).toContainEqual(
      expect.objectContaining({ costCategory: 'SAMHANDLINGSFUNKSJONALITET', year: 2028, approvedOre: 95_000_000 }),
    );
    expect(after.body.budget).toContainEqual(
      expect.objectContaining({ costCategory: 'PROSESSENDRING', year: 2027, approvedOre: 45_000_000 }),
    );
    const grant = await t.http().get(`/api/v1/grants/${g.grantId}`).set(officer()).expect(200);
    expect(grant.body.amountOre).toBe(grant.body.ledger.grantedOre);
    expect(grant.body.terms[1].budgetLines.map((l: { amountOre: number }) => l.amountOre)).toEqual([45_000_000, 60_000_000, 95_000_000]);
    const entries = await journal(g.caseNumber);
    expect(entries.filter((e) => e.documentType === 'VEDTAK_ENDRING').map((e) => e.direction)).toEqual(['U']);
  });

  it('(3) a member leaving below the minimum is flagged; a member joining without consent is refused', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const other = g.members[1];
    const leave = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/change-requests`)
      .set(g.applicant.auth)
      .send({ reasons: 'Kommunen trekker seg.', members: { leaving: [other] } })
      .expect(201);
    expect(leave.body.changeRequest).toMatchObject({ needsSecondApproval: true });
    expect(leave.body.changeRequest.flags.map((f: { code: string }) => f.code)).toEqual(['BELOW_MIN_MEMBERS']);
    const staffView = await t.http().get(`/api/v1/change-requests/${leave.body.changeRequestId}`).set(officer()).expect(200);
    expect(staffView.body.flags[0].message).toMatch(/at least 2/);

    const [joiner] = pool.take(1);
    const join = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/change-requests`)
      .set(g.applicant.auth)
      .send({ reasons: 'Nabokommunen vil være med.', members: { joining: [joiner] } })
      .expect(201);
    const id = join.body.changeRequestId;
    expect(join.body.changeRequest.flags).toEqual([]);
    expect(join.body.changeRequest.consentMissing).toHaveLength(1);
    const refused = await t
      .http()
      .post(`/api/v1/change-requests/${id}/decision`)
      .set(officer())
      .send({ outcome: 'RECOMMEND', reasons: 'Styrker samarbeidet.' })
      .expect(422);
    expect(refused.body.code).toBe('MEMBER_CONSENT_MISSING');
    // the lead cannot consent for it; the joining municipality's applicant can
    await t.http().post(`/api/v1/change-requests/${id}/consents`).set(g.applicant.auth).send({ municipalityNumber: joiner }).expect(403);
    const joinerApplicant = await applicantFor(t, joiner);
    const consented = await t
      .http()
      .post(`/api/v1/change-requests/${id}/consents`)
      .set(joinerApplicant.auth)
      .send({ municipalityNumber: joiner })
      .expect(200);
    expect(consented.body.consentMissing).toEqual([]);
    await t
      .http()
      .post(`/api/v1/change-requests/${id}/decision`)
      .set(officer())
      .send({ outcome: 'RECOMMEND', reasons: 'Styrker samarbeidet.' })
      .expect(200);
    await t
      .http()
      .post(`/api/v1/change-requests/${id}/confirmation`)
      .set(approver())
      .send({ outcome: 'APPROVE', reasons: 'Enig.' })
      .expect(200);
    const grant = await t.http().get(`/api/v1/grants/${g.grantId}`).set(officer()).expect(200);
    expect(grant.body.terms[1].members.map((x: { municipalityNumber: string }) => x.municipalityNumber)).toContain(joiner);
    expect(grant.body.terms[0].members).toHaveLength(2);
  });

  it('(4) a new target takes effect in the terms and in the insights, the target as decided staying readable beside it', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const before = await t.http().get(`/api/v1/grants/${g.grantId}`).set(officer()).expect(200);
    const indicator = before.body.terms[0].indicators[0] as { indicatorId: string; targetValue: string; targetYear: number };
    const perGrant = async () =>
      (
        (await t.http().get('/api/v1/insights/indicators').set(t.auth('evaluator')).expect(200)).body.grants as Array<{
          grantId: string;
          indicatorId: string;
          targetValue: string;
          originalTargetValue: string;
          termsVersion: number;
        }>
      ).find((x) => x.grantId === g.grantId && x.indicatorId === indicator.indicatorId)!;
    expect(await perGrant()).toMatchObject({
      targetValue: indicator.targetValue,
      originalTargetValue: indicator.targetValue,
      termsVersion: 1,
    });

    const sent = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/change-requests`)
      .set(g.applicant.auth)
      .send({
        reasons: 'Målet var satt for lavt.',
        benefitPlan: { targets: [{ indicatorId: indicator.indicatorId, targetValue: '123.5' }] },
      })
      .expect(201);
    await t
      .http()
      .post(`/api/v1/change-requests/${sent.body.changeRequestId}/decision`)
      .set(officer())
      .send({ outcome: 'APPROVE', reasons: 'Godt begrunnet.' })
      .expect(200);
    expect(await perGrant()).toMatchObject({ targetValue: '123.5', originalTargetValue: indicator.targetValue, termsVersion: 2 });
  });
});
