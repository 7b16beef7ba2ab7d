import { randomBytes } from 'node:crypto';
import { createTestApp, TestApp } from './support/app';
import { proposedDecision } from './support/decisions';
import { createCall, MunicipalityPool, setClock, submittedApplication, testRules } from './support/fixtures';
import { tranchesOf, validAccount, validOrganisationNumber } from './support/payments';
import { approvedIndicators, progressReportBody } from './support/reports';

const KR = 100;

/**
 * Issue 13 with the acceptance and the reports of issue 12: an overdue report blocks attestation (must show 2), and
 * a whole grant from acceptance to completion (must show 6), through the real routes.
 */
describe('payments with acceptance and reports', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  const officer = () => t.auth('officer');
  const approver = () => t.auth('approver');

  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(() => t.close());

  /** A grant of 1 000 000 kr (2 000 000 kr of eligible costs at 50 %) for a project 2027-07-01 – 2029-12-31, decided. */
  async function decidedGrant() {
    const call = await createCall(t, {
      rules: testRules('INNFORING', { projectPeriod: { earliestStart: '2027-01-01', latestEnd: '2030-12-31', maxMonths: 36 } }),
    });
    const s = await submittedApplication(t, {
      pool,
      call,
      draft: {
        projectStart: '2027-07-01',
        projectEnd: '2029-12-31',
        budgetLines: [
          { costCategory: 'PROSESSENDRING', description: 'Prosessendring', year: 2027, amountOre: 60_000_000 },
          { costCategory: 'PROSESSENDRING', description: 'Prosessendring', year: 2028, amountOre: 60_000_000 },
          { costCategory: 'SAMHANDLINGSFUNKSJONALITET', description: 'Samhandling', year: 2028, amountOre: 80_000_000 },
        ],
        contactPersons: [{ name: 'Kari Kontakt', email: `kontakt-${randomBytes(4).toString('hex')}@test.local`, role: 'prosjektleder' }],
      },
    });
    await t.http().post(`/api/v1/applications/${s.application.id}/formal-check`).set(officer()).send({ outcome: 'eligible' }).expect(200);
    await t.dataSource.query(`UPDATE application SET status = 'ASSESSED' WHERE id = $1`, [s.application.id]);
    const d = await proposedDecision(t, s.application.id);
    const approved = await t.http().post(`/api/v1/decisions/${d.id}/approve`).set(approver()).send({});
    expect(approved.status).toBe(200);
    return { ...s, call, grantId: approved.body.grantId as string };
  }

  /** The lead's applicant accepts, registering the payee with the acceptance. */
  async function accept(g: Awaited<ReturnType<typeof decidedGrant>>) {
    const payee = { organisationNumber: validOrganisationNumber(), account: validAccount() };
    const res = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/accept`)
      .set(g.applicant.auth)
      .send({ name: 'Randi Rådmann', title: 'Kommunedirektør', payee });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ACTIVE');
    return payee;
  }

  /** The reports the acceptance generated from the call's schedule, as GET /grants/{id} shows them. */
  async function reportsOf(grantId: string) {
    const g = await t.http().get(`/api/v1/grants/${grantId}`).set(officer()).expect(200);
    return g.body.reports as Array<{ id: string; kind: string; dueOn: string; title: string; status: string }>;
  }

  async function payTranche(paymentId: string, callId: string) {
    await t.http().post(`/api/v1/payments/${paymentId}/attest`).set(officer()).send({}).expect(200);
    await t.http().post(`/api/v1/payments/${paymentId}/approve`).set(approver()).send({}).expect(200);
    const batch = await t.http().post('/api/v1/payments/exports').set(officer()).send({ callId }).expect(201);
    expect(batch.body.lines.map((l: { paymentId: string }) => l.paymentId)).toEqual([paymentId]);
    await t.http().post(`/api/v1/payments/${paymentId}/mark-paid`).set(officer()).send({}).expect(200);
  }

  it('must show 2: an overdue report blocks attestation, with its name and due date in the problem', async () => {
    const g = await decidedGrant();
    await accept(g);
    const [first] = await reportsOf(g.grantId);
    expect(first).toMatchObject({ kind: 'PROGRESS', dueOn: '2028-03-01', status: 'DRAFT' });
    const [tranche] = await tranchesOf(t, g.grantId);
    // the day after the progress report was due, still a draft
    const restore = setClock(t, '2028-03-02T10:00:00+01:00');
    try {
      const res = await t.http().post(`/api/v1/payments/${tranche.id}/attest`).set(officer()).send({});
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'REPORT_OVERDUE', report: first.title, reportId: first.id, dueOn: '2028-03-01' });
      expect(res.body.detail).toContain(first.title);
      expect(res.body.detail).toContain('2028-03-01');
    } finally {
      restore();
    }
    // on its due day it is not yet overdue
    const onTime = setClock(t, '2028-03-01T12:00:00+01:00');
    try {
      await t.http().post(`/api/v1/payments/${tranche.id}/attest`).set(officer()).send({}).expect(200);
    } finally {
      onTime();
    }
  });

  it('must show 6: accept → first tranche paid → progress report approved → second paid → final report approved → settled → completed', async () => {
    const g = await decidedGrant();
    const payee = await accept(g);
    const caseNumber: string = g.application.caseNumber;
    let ledger = (await t.http().get(`/api/v1/grants/${g.grantId}`).set(g.applicant.auth)).body.ledger;
    expect(ledger.payee).toMatchObject(payee);
    const [first, second, third] = await tranchesOf(t, g.grantId);
    expect([first, second, third].map((x) => [x.amountOre, x.status])).toEqual([
      [500_000 * KR, 'PAYABLE'],
      [300_000 * KR, 'PLANNED'],
      [200_000 * KR, 'PLANNED'],
    ]);
    await payTranche(first.id, g.call.id);

    const ids = (await approvedIndicators(t, g.application.id)).map((i) => i.indicator_id);
    const reports = await reportsOf(g.grantId);
    const progress = reports.find((r) => r.kind === 'PROGRESS')!;
    await t.http().put(`/api/v1/reports/${progress.id}`).set(g.applicant.auth).send(progressReportBody(ids)).expect(200);
    await t.http().post(`/api/v1/reports/${progress.id}/submit`).set(g.applicant.auth).expect(200);
    await t.http().post(`/api/v1/reports/${progress.id}/review`).set(officer()).send({ outcome: 'APPROVE' }).expect(200);
    expect((await tranchesOf(t, g.grantId))[1].status).toBe('PAYABLE');
    await payTranche(second.id, g.call.id);

    // the final report: 1 900 000 kr of eligible costs; 50 % of it is 950 000 kr, 800 000 kr is paid, so the last
    // tranche is cut from 200 000 kr to 150 000 kr and nothing is reclaimed
    const final = reports.find((r) => r.kind === 'FINAL')!;
    await t
      .http()
      .put(`/api/v1/reports/${final.id}`)
      .set(g.applicant.auth)
      .send(
        progressReportBody(ids, {
          actuals: [
            { costCategory: 'PROSESSENDRING', year: 2027, amountOre: 60_000_000 },
            { costCategory: 'PROSESSENDRING', year: 2028, amountOre: 50_000_000 },
            { costCategory: 'SAMHANDLINGSFUNKSJONALITET', year: 2028, amountOre: 80_000_000 },
          ],
          financialStatement: {
            totalEligibleCostsOre: 190_000_000,
            ownContributionOre: 95_000_000,
            otherPublicFundingOre: 0,
            grantUsedOre: 95_000_000,
          },
          benefitSummary: 'Tid per journalføring gikk ned fra 6 til 4,5 minutter.',
          declaration: { name: 'Randi Rådmann', title: 'Kommunedirektør' },
        }),
      )
      .expect(200);
    await t.http().post(`/api/v1/reports/${final.id}/submit`).set(g.applicant.auth).expect(200);
    await t.http().post(`/api/v1/reports/${final.id}/review`).set(officer()).send({ outcome: 'APPROVE' }).expect(200);
    ledger = (await t.http().get(`/api/v1/grants/${g.grantId}`).set(officer())).body.ledger;
    expect(ledger.settlement).toMatchObject({
      eligibleCostsOre: 1_900_000 * KR,
      finalGrantOre: 950_000 * KR,
      lastTrancheOre: 150_000 * KR,
      reclaimOre: 0,
    });
    expect(ledger.tranches[2]).toMatchObject({ status: 'PAYABLE', plannedOre: 200_000 * KR, amountOre: 150_000 * KR });
    await payTranche(third.id, g.call.id);

    const end = await t.http().get(`/api/v1/grants/${g.grantId}`).set(g.applicant.auth).expect(200);
    expect(end.body.status).toBe('COMPLETED');
    expect(end.body.ledger).toMatchObject({
      grantedOre: 1_000_000 * KR,
      finalGrantOre: 950_000 * KR,
      paidOre: 950_000 * KR,
      approvedNotPaidOre: 0,
      remainingOre: 0,
      reclaimedOre: 0,
    });

    // every step in the audit trail …
    const audit: Array<{ action: string }> = await t.dataSource.query(
      `SELECT action FROM audit_event WHERE entity_id = $1 OR entity_id = ANY($2::text[]) ORDER BY seq`,
      [g.grantId, [first.id, second.id, third.id]],
    );
    const actions = audit.map((a) => a.action);
    for (const step of [
      'grant.accept',
      'payee.register',
      'payment.make_payable',
      'payment.attest',
      'payment.approve',
      'payment.send',
      'payment.mark_paid',
      'grant.settle',
      'grant.complete',
    ]) {
      expect(actions).toContain(step);
    }
    expect(actions.filter((a) => a === 'payment.mark_paid')).toHaveLength(3);
    expect(actions.indexOf('grant.accept')).toBeLessThan(actions.indexOf('payment.attest'));
    expect(actions.indexOf('grant.settle')).toBeLessThan(actions.indexOf('grant.complete'));
    const reportAudit = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'report.approve' AND entity_id = ANY($1::text[])`,
      [[progress.id, final.id]],
    );
    expect(reportAudit[0].n).toBe(2);

    // … and in the case journal: the acceptance, the two approvals, the settlement and the closing entry
    const journal: Array<{ document_type: string; title: string }> = await t.dataSource.query(
      `SELECT document_type, title FROM journal_entry WHERE case_number = $1 ORDER BY seq`,
      [caseNumber],
    );
    const types = journal.map((j) => j.document_type);
    expect(types).toEqual(expect.arrayContaining(['VEDTAK', 'AKSEPT', 'RAPPORT_GODKJENT', 'NOTAT', 'AVSLUTNING']));
    expect(types.filter((x) => x === 'RAPPORT_GODKJENT')).toHaveLength(2);
    expect(journal[journal.length - 1]).toMatchObject({
      document_type: 'AVSLUTNING',
      title: expect.stringMatching(/avsluttet: utbetalt 950\u00a0000\u00a0kr/),
    });
    expect(journal.find((j) => j.title.startsWith('Sluttoppgjør'))?.title).toMatch(
      /endelig tilskudd 950\u00a0000\u00a0kr, siste utbetaling 150\u00a0000\u00a0kr/,
    );
  });
});
