import { NotificationScheduler } from '../src/notifications/notification.scheduler';
import { ReportsService } from '../src/grants/reports/reports.service';
import { ReportSchedules } from '../src/grants/reports/report-schedules.service';
import { Grant } from '../src/grants/entities/grant.entity';
import { GrantsService } from '../src/grants/grants.service';
import { createTestApp, TestApp } from './support/app';
import { eventually } from './support/eventually';
import { applicantFor, createCall, MunicipalityPool, pdfBytes, setClock, testRules } from './support/fixtures';
import { activeGrant, approvedIndicators, grantReports, progressReportBody } from './support/reports';

/** An instant in Oslo: winter time is UTC+1, summer time UTC+2. */
const oslo = (local: string) => new Date(local);

describe('follow-up reports: schedule, content, review, overdue', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  const officer = () => t.auth('officer');

  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(() => t.close());

  it('gives a grant accepted for a project of two and a half years its due dates, and an end-date change moves the final report', async () => {
    // 1 July 2027 to 31 December 2029 under the demo schedule: a progress report each 1 March the project runs over,
    // the final report three months after the end
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const reports = await grantReports(t, g.grantId);
    expect(reports.map((r) => [r.kind, r.title, r.dueOn, r.status])).toEqual([
      ['PROGRESS', 'Framdriftsrapport 2028', '2028-03-01', 'DRAFT'],
      ['PROGRESS', 'Framdriftsrapport 2029', '2029-03-01', 'DRAFT'],
      ['FINAL', 'Sluttrapport', '2030-03-31', 'DRAFT'],
    ]);
    const first = await t.http().get(`/api/v1/reports/${reports[0].id}`).set(officer()).expect(200);
    expect(first.body).toMatchObject({ periodStart: '2027-07-01', periodEnd: '2028-02-29', overdue: false, caseNumber: g.caseNumber });
    expect(first.body.sections.map((s: { code: string }) => s.code)).toEqual(['PROGRESS', 'DEVIATIONS', 'RISKS', 'SHARING']);
    const final = await t.http().get(`/api/v1/reports/${reports[2].id}`).set(officer()).expect(200);
    expect(final.body).toMatchObject({ periodStart: '2027-07-01', periodEnd: '2029-12-31' });

    // the project runs half a year longer: the final report moves, and a progress report for 2030 is added
    const moved = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/project-end`)
      .set(officer())
      .send({ projectEnd: '2030-06-30', reason: 'Leverandøren er forsinket; innføringen i de siste kommunene flyttes.' })
      .expect(200);
    expect(moved.body.map((r: { kind: string; dueOn: string }) => [r.kind, r.dueOn])).toEqual([
      ['PROGRESS', '2028-03-01'],
      ['PROGRESS', '2029-03-01'],
      ['PROGRESS', '2030-03-01'],
      ['FINAL', '2030-09-30'],
    ]);
    const after = await t.http().get(`/api/v1/reports/${reports[2].id}`).set(officer()).expect(200);
    expect(after.body).toMatchObject({ dueOn: '2030-09-30', periodEnd: '2030-06-30' });
    const grant = await t.http().get(`/api/v1/grants/${g.grantId}`).set(g.applicant.auth).expect(200);
    expect(grant.body.projectEnd).toBe('2030-06-30');

    // audited and journaled (an internal note in the grant's case)
    const audit = await t.dataSource.query(`SELECT action FROM audit_event WHERE entity_id = $1 ORDER BY seq`, [reports[2].id]);
    expect(audit.map((a: { action: string }) => a.action)).toContain('report.rescheduled');
    const journal = await t
      .http()
      .get(`/api/v1/cases/${encodeURIComponent(g.caseNumber)}/journal`)
      .set(officer())
      .expect(200);
    const note = journal.body.entries.find((e: { documentType: string }) => e.documentType === 'PROSJEKTSLUTT');
    expect(note).toMatchObject({ direction: 'N' });
    expect(note.title).toContain('Sluttrapport flyttet 2030-03-31 → 2030-09-30');

    // back to the first end: the 2030 progress report, never submitted, is no longer owed
    await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/project-end`)
      .set(officer())
      .send({ projectEnd: '2029-12-31', reason: 'Leverandøren tok igjen forsinkelsen.' })
      .expect(200);
    expect((await grantReports(t, g.grantId)).map((r) => r.dueOn)).toEqual(['2028-03-01', '2029-03-01', '2030-03-31']);
    // an applicant cannot move the schedule
    await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/project-end`)
      .set(g.applicant.auth)
      .send({ projectEnd: '2030-06-30', reason: 'x' })
      .expect(403);
  });

  it('generates the schedule as well when an officer records an acceptance signed on paper, and only once', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31', acceptance: 'signed' });
    const reports = await grantReports(t, g.grantId);
    expect(reports.map((r) => [r.kind, r.dueOn])).toEqual([
      ['PROGRESS', '2028-03-01'],
      ['PROGRESS', '2029-03-01'],
      ['FINAL', '2030-03-31'],
    ]);
    // a second generation (a retried acceptance, say) makes nothing new
    await t.dataSource.transaction((m) => t.app.get(ReportSchedules).generate(m, { id: g.grantId }, 'system', new Date()));
    expect(await grantReports(t, g.grantId)).toHaveLength(3);
    // one row per report of the schedule (a unique key per grant and schedule key)
    const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM report WHERE grant_id = $1`, [g.grantId]);
    expect(row.n).toBe(3);
  });

  it("takes the narrative sections and their length limits from the call's own report rules", async () => {
    const call = await createCall(t, {
      rules: testRules('INNFORING', {
        projectPeriod: { earliestStart: '2027-01-01', latestEnd: '2030-12-31', maxMonths: 36 },
        reports: {
          sections: [
            { code: 'GJENNOMFORING', title: { nb: 'Gjennomføring', nn: 'Gjennomføring' }, maxLength: 200 },
            { code: 'LAERING', title: { nb: 'Læring', nn: 'Læring' }, maxLength: 100 },
          ],
          benefitSummaryMaxLength: 500,
        },
      }),
    });
    expect(call.rules.reports.sections.map((x: { code: string }) => x.code)).toEqual(['GJENNOMFORING', 'LAERING']);
    const g = await activeGrant(t, { pool, call, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const [report] = await grantReports(t, g.grantId);
    const ids = (await approvedIndicators(t, g.application.id)).map((i) => i.indicator_id);
    const r = await t
      .http()
      .put(`/api/v1/reports/${report.id}`)
      .set(g.applicant.auth)
      .send(progressReportBody(ids, { sections: [{ code: 'GJENNOMFORING', text: 'x'.repeat(201) }] }))
      .expect(200);
    expect(r.body.sections).toEqual([
      { code: 'GJENNOMFORING', title: { nb: 'Gjennomføring', nn: 'Gjennomføring' }, maxLength: 200 },
      { code: 'LAERING', title: { nb: 'Læring', nn: 'Læring' }, maxLength: 100 },
    ]);
    const v = await t.http().get(`/api/v1/reports/${report.id}/validation`).set(g.applicant.auth).expect(200);
    expect(v.body.problems.map((p: { field: string; code: string }) => [p.field, p.code])).toEqual([
      ['sections.GJENNOMFORING', 'SECTION_TOO_LONG'],
      ['sections.LAERING', 'SECTION_REQUIRED'],
    ]);
  });

  it('refuses to submit a report with an unapproved cost category or an indicator left out without a reason, and lists each problem by field', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const [report] = await grantReports(t, g.grantId);
    const indicators = await approvedIndicators(t, g.application.id);
    expect(indicators).toHaveLength(1);

    const body = progressReportBody([], {
      actuals: [
        { costCategory: 'PROSESSENDRING', year: 2027, amountOre: 55_000_000 },
        // in the scheme's catalogue, but not in this grant's approved budget
        { costCategory: 'OPPLAERING', year: 2028, amountOre: 10_000_000 },
      ],
      // the one indicator is "not measured", without saying why
      indicators: [{ indicatorId: indicators[0].indicator_id, measured: false }],
    });
    const saved = await t.http().put(`/api/v1/reports/${report.id}`).set(g.applicant.auth).send(body).expect(200);
    // the variance against the approved budget, per category and year
    expect(saved.body.budget).toEqual([
      { costCategory: 'PROSESSENDRING', year: 2027, approvedOre: 60_000_000, actualOre: 55_000_000, varianceOre: -5_000_000 },
      { costCategory: 'OPPLAERING', year: 2028, approvedOre: 0, actualOre: 10_000_000, varianceOre: 10_000_000 },
      { costCategory: 'PROSESSENDRING', year: 2028, approvedOre: 60_000_000, actualOre: 0, varianceOre: -60_000_000 },
      { costCategory: 'SAMHANDLINGSFUNKSJONALITET', year: 2028, approvedOre: 80_000_000, actualOre: 0, varianceOre: -80_000_000 },
    ]);

    const v = await t.http().get(`/api/v1/reports/${report.id}/validation`).set(g.applicant.auth).expect(200);
    expect(v.body.submittable).toBe(false);
    expect(v.body.problems.map((p: { field: string; code: string }) => [p.field, p.code])).toEqual([
      ['actuals[1].costCategory', 'COST_CATEGORY_NOT_APPROVED'],
      ['indicators[0].notMeasuredReason', 'NOT_MEASURED_REASON_REQUIRED'],
    ]);
    const refused = await t.http().post(`/api/v1/reports/${report.id}/submit`).set(g.applicant.auth).expect(422);
    expect(refused.body.code).toBe('REPORT_NOT_SUBMITTABLE');
    expect(refused.body.errors).toEqual(v.body.problems);

    // left out of the list altogether is a problem too, named by the indicator's id
    await t.http().put(`/api/v1/reports/${report.id}`).set(g.applicant.auth).send(progressReportBody([])).expect(200);
    const missing = await t.http().get(`/api/v1/reports/${report.id}/validation`).set(officer()).expect(200);
    expect(missing.body.problems).toEqual([
      expect.objectContaining({ field: `indicators.${indicators[0].indicator_id}`, code: 'INDICATOR_MISSING' }),
    ]);

    // with the reason, and only approved categories, it goes in
    await t
      .http()
      .put(`/api/v1/reports/${report.id}`)
      .set(g.applicant.auth)
      .send(
        progressReportBody([], {
          indicators: [
            { indicatorId: indicators[0].indicator_id, measured: false, notMeasuredReason: 'Målingen starter når alle er over.' },
          ],
        }),
      )
      .expect(200);
    const ok = await t.http().post(`/api/v1/reports/${report.id}/submit`).set(g.applicant.auth).expect(200);
    expect(ok.body).toMatchObject({ version: 1, report: { status: 'SUBMITTED', currentVersion: 1 } });
    // the frozen version's facts are rows: the actuals, and the indicator value tied to the approved indicator
    const rows = await t.dataSource.query(`SELECT measured, not_measured_reason FROM report_indicator_value WHERE report_id = $1`, [
      report.id,
    ]);
    expect(rows).toEqual([{ measured: false, not_measured_reason: 'Målingen starter når alle er over.' }]);
  });

  it('changes requested → resubmitted → approved: two frozen versions and three journal entries, for the consortium and the officer only', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const other = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const [report] = await grantReports(t, g.grantId);
    const ids = (await approvedIndicators(t, g.application.id)).map((i) => i.indicator_id);
    const member = await applicantFor(t, g.members[1]);

    await t.http().put(`/api/v1/reports/${report.id}`).set(g.applicant.auth).send(progressReportBody(ids)).expect(200);
    // a member of the consortium reads, but only the lead municipality's applicants write
    const notLead = await t.http().put(`/api/v1/reports/${report.id}`).set(member.auth).send(progressReportBody(ids)).expect(403);
    expect(notLead.body.code).toBe('ONLY_LEAD_ACTS_FOR_CONSORTIUM');
    await t.http().post(`/api/v1/reports/${report.id}/submit`).set(g.applicant.auth).expect(200);
    // frozen: no changes while it is being reviewed
    expect((await t.http().put(`/api/v1/reports/${report.id}`).set(g.applicant.auth).send({}).expect(409)).body.code).toBe(
      'REPORT_NOT_EDITABLE',
    );

    const requested = await t
      .http()
      .post(`/api/v1/reports/${report.id}/review`)
      .set(officer())
      .send({
        outcome: 'REQUEST_CHANGES',
        sectionComments: [
          { section: 'DEVIATIONS', comment: 'Beskriv konsekvensen av forsinkelsen for budsjettet.' },
          { section: 'ACTUALS', comment: 'Prosessendring 2028 mangler bilag.' },
        ],
      })
      .expect(200);
    expect(requested.body.status).toBe('CHANGES_REQUESTED');
    // a request for changes must say what to change
    const changed = progressReportBody(ids, {
      sections: [
        { code: 'PROGRESS', text: 'Anskaffelsen er gjennomført, innføringen er i gang i alle kommunene.' },
        { code: 'DEVIATIONS', text: 'Migreringen ble forsinket to måneder; merkostnaden på 150 000 kr dekkes av egenandelen.' },
        { code: 'RISKS', text: 'Leverandørens kapasitet i 2028.' },
        { code: 'SHARING', text: 'Erfaringene er delt i KS-nettverket.' },
      ],
    });
    await t.http().put(`/api/v1/reports/${report.id}`).set(g.applicant.auth).send(changed).expect(200);
    const resubmitted = await t.http().post(`/api/v1/reports/${report.id}/submit`).set(g.applicant.auth).expect(200);
    expect(resubmitted.body).toMatchObject({ version: 2, report: { status: 'SUBMITTED' } });
    const approved = await t
      .http()
      .post(`/api/v1/reports/${report.id}/review`)
      .set(officer())
      .send({ outcome: 'APPROVE', comment: 'Godkjent.' })
      .expect(200);
    expect(approved.body.status).toBe('APPROVED');

    let entries: Array<{ entryNumber: string }> = [];
    for (const reader of [g.applicant.auth, member.auth, officer()]) {
      const versions = await t.http().get(`/api/v1/reports/${report.id}/versions`).set(reader).expect(200);
      expect(versions.body.items.map((v: { version: number; review: { outcome: string } }) => [v.version, v.review.outcome])).toEqual([
        [1, 'CHANGES_REQUESTED'],
        [2, 'APPROVED'],
      ]);
      expect(versions.body.items[0].content.sections[1].text).toMatch(/forsinket to måneder; vi har satt inn/);
      expect(versions.body.items[1].content.sections[1].text).toMatch(/150 000 kr/);
      expect(versions.body.items[0].review.sectionComments).toHaveLength(2);
      await t.http().get(`/api/v1/reports/${report.id}/versions/1`).set(reader).expect(200);
      const r = await t.http().get(`/api/v1/reports/${report.id}`).set(reader).expect(200);
      expect(r.body.journal.map((j: { direction: string; documentType: string }) => [j.direction, j.documentType])).toEqual([
        ['I', 'RAPPORT'],
        ['I', 'RAPPORT'],
        ['U', 'RAPPORT_GODKJENT'],
      ]);
      entries = r.body.journal;
    }
    // the same entries in the case journal (staff read it whole; the consortium through its report)
    const caseJournal = await t
      .http()
      .get(`/api/v1/cases/${encodeURIComponent(g.caseNumber)}/journal`)
      .set(officer())
      .expect(200);
    const numbers = caseJournal.body.entries.map((e: { entryNumber: string }) => e.entryNumber);
    for (const j of entries) expect(numbers).toContain(j.entryNumber);
    // another consortium learns nothing of it
    for (const path of ['', '/versions', '/versions/1', '/validation']) {
      await t.http().get(`/api/v1/reports/${report.id}${path}`).set(other.applicant.auth).expect(404);
    }
    await t.http().post(`/api/v1/reports/${report.id}/submit`).set(other.applicant.auth).expect(404);
    await t.http().put(`/api/v1/reports/${report.id}`).set(other.applicant.auth).send({ sections: 'nonsense' }).expect(404);
    const list = await t.http().get(`/api/v1/reports`).set(other.applicant.auth).expect(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(report.id);

    // a receipt for each version, and the review of each, to the consortium's contact
    const mails = await t.dataSource.query(
      `SELECT event, data->>'version' AS version, recipient_email FROM notification WHERE entity_id = $1 ORDER BY created_at, id`,
      [report.id],
    );
    expect(mails).toEqual([
      { event: 'report.received', version: '1', recipient_email: g.contact },
      { event: 'report.reviewed', version: '1', recipient_email: g.contact },
      { event: 'report.received', version: '2', recipient_email: g.contact },
      { event: 'report.reviewed', version: '2', recipient_email: g.contact },
    ]);
    // and they render and go out (the templates resolve what they name)
    await eventually('the report mails sent', async () => {
      const rows = await t.dataSource.query(`SELECT status FROM notification WHERE entity_id = $1`, [report.id]);
      return rows.every((r: { status: string }) => r.status === 'sent');
    });
    // the approval: the audit row with the report's kind, for the payments to come
    const [audit] = await t.dataSource.query(`SELECT diff FROM audit_event WHERE entity_id = $1 AND action = 'report.approve'`, [
      report.id,
    ]);
    expect(audit.diff).toMatchObject({
      status: { before: 'SUBMITTED', after: 'APPROVED' },
      kind: { after: 'PROGRESS' },
      version: { after: 2 },
    });
  });

  it('tells listeners of an approval inside its transaction (the payment trigger)', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const [report] = await grantReports(t, g.grantId);
    const ids = (await approvedIndicators(t, g.application.id)).map((i) => i.indicator_id);
    const heard: Array<{ event: string; reportId: string; grantId: string; kind: string }> = [];
    t.app.get(ReportsService).onApproved(async (_m, e) => {
      if (e.reportId === report.id) heard.push(e);
    });
    await t.http().put(`/api/v1/reports/${report.id}`).set(g.applicant.auth).send(progressReportBody(ids)).expect(200);
    await t.http().post(`/api/v1/reports/${report.id}/submit`).set(g.applicant.auth).expect(200);
    await t.http().post(`/api/v1/reports/${report.id}/review`).set(officer()).send({ outcome: 'APPROVE' }).expect(200);
    expect(heard).toEqual([
      expect.objectContaining({ event: 'report.progress_approved', grantId: g.grantId, kind: 'PROGRESS', version: 1 }),
    ]);
  });

  it('a final report adds the financial statement, the benefit summary and the declaration', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const final = (await grantReports(t, g.grantId)).find((r) => r.kind === 'FINAL')!;
    const ids = (await approvedIndicators(t, g.application.id)).map((i) => i.indicator_id);
    const actuals = [
      { costCategory: 'PROSESSENDRING', year: 2027, amountOre: 60_000_000 },
      { costCategory: 'PROSESSENDRING', year: 2028, amountOre: 55_000_000 },
      { costCategory: 'SAMHANDLINGSFUNKSJONALITET', year: 2028, amountOre: 80_000_000 },
    ];
    await t
      .http()
      .put(`/api/v1/reports/${final.id}`)
      .set(g.applicant.auth)
      .send(
        progressReportBody(ids, {
          actuals,
          financialStatement: {
            totalEligibleCostsOre: 195_000_000,
            ownContributionOre: 95_000_000,
            otherPublicFundingOre: 0,
            grantUsedOre: 90_000_000,
          },
        }),
      )
      .expect(200);
    const v = await t.http().get(`/api/v1/reports/${final.id}/validation`).set(g.applicant.auth).expect(200);
    expect(v.body.problems.map((p: { field: string; code: string }) => [p.field, p.code])).toEqual([
      ['financialStatement', 'FINANCIAL_STATEMENT_DOES_NOT_ADD_UP'],
      ['benefitSummary', 'BENEFIT_SUMMARY_REQUIRED'],
      ['declaration.name', 'DECLARATION_REQUIRED'],
      ['declaration.title', 'DECLARATION_REQUIRED'],
    ]);
    await t
      .http()
      .put(`/api/v1/reports/${final.id}`)
      .set(g.applicant.auth)
      .send(
        progressReportBody(ids, {
          actuals,
          financialStatement: {
            totalEligibleCostsOre: 195_000_000,
            ownContributionOre: 100_000_000,
            otherPublicFundingOre: 0,
            grantUsedOre: 95_000_000,
          },
          benefitSummary: 'Tid per journalføring gikk ned fra 6 til 4,5 minutter.',
          declaration: { name: 'Randi Rådmann', title: 'kommunedirektør' },
        }),
      )
      .expect(200);
    const ok = await t.http().post(`/api/v1/reports/${final.id}/submit`).set(g.applicant.auth).expect(200);
    expect(ok.body.report.draft.declaration).toEqual({ name: 'Randi Rådmann', title: 'kommunedirektør' });
    const actualRows = await t.dataSource.query(
      `SELECT cost_category_code, year, amount_ore::text AS amount_ore FROM report_actual WHERE report_id = $1 ORDER BY position`,
      [final.id],
    );
    expect(actualRows).toEqual([
      { cost_category_code: 'PROSESSENDRING', year: 2027, amount_ore: '60000000' },
      { cost_category_code: 'PROSESSENDRING', year: 2028, amount_ore: '55000000' },
      { cost_category_code: 'SAMHANDLINGSFUNKSJONALITET', year: 2028, amount_ore: '80000000' },
    ]);
  });

  it('ad hoc reports, extensions and attachments', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const adHoc = await t
      .http()
      .post(`/api/v1/grants/${g.grantId}/reports`)
      .set(officer())
      .send({ title: 'Status for migreringen', dueOn: '2027-10-01', questions: ['Hvor mange kommuner er migrert?', 'Hva gjenstår?'] })
      .expect(201);
    expect(adHoc.body).toMatchObject({
      kind: 'AD_HOC',
      status: 'DRAFT',
      dueOn: '2027-10-01',
      questions: ['Hvor mange kommuner er migrert?', 'Hva gjenstår?'],
    });
    const v = await t.http().get(`/api/v1/reports/${adHoc.body.id}/validation`).set(g.applicant.auth).expect(200);
    expect(v.body.problems.map((p: { field: string }) => p.field)).toEqual(['answers[0]', 'answers[1]']);

    const ext = await t
      .http()
      .post(`/api/v1/reports/${adHoc.body.id}/extension`)
      .set(officer())
      .send({ dueOn: '2027-11-01', reason: 'Ferieavvikling.' })
      .expect(200);
    expect(ext.body).toMatchObject({ dueOn: '2027-11-01', originalDueOn: '2027-10-01' });
    const earlier = await t
      .http()
      .post(`/api/v1/reports/${adHoc.body.id}/extension`)
      .set(officer())
      .send({ dueOn: '2027-10-15', reason: 'x' })
      .expect(422);
    expect(earlier.body.code).toBe('DUE_DATE_NOT_LATER');
    await t
      .http()
      .post(`/api/v1/reports/${adHoc.body.id}/extension`)
      .set(g.applicant.auth)
      .send({ dueOn: '2028-01-01', reason: 'x' })
      .expect(403);

    const up = await t
      .http()
      .post(`/api/v1/reports/${adHoc.body.id}/attachments`)
      .set(g.applicant.auth)
      .attach('file', pdfBytes(3000), 'bilag.pdf')
      .expect(201);
    expect(up.body).toMatchObject({ filename: 'bilag.pdf', fileType: 'pdf', sizeBytes: 3000 });
    await t
      .http()
      .put(`/api/v1/reports/${adHoc.body.id}`)
      .set(g.applicant.auth)
      .send({
        answers: [
          { question: 0, text: 'Fire av seks.' },
          { question: 1, text: 'To kommuner i januar.' },
        ],
      })
      .expect(200);
    const sub = await t.http().post(`/api/v1/reports/${adHoc.body.id}/submit`).set(g.applicant.auth).expect(200);
    expect(sub.body.report.status).toBe('SUBMITTED');
    const version = await t.http().get(`/api/v1/reports/${adHoc.body.id}/versions/1`).set(officer()).expect(200);
    expect(version.body.content.attachments).toEqual([
      expect.objectContaining({ id: up.body.id, filename: 'bilag.pdf', sha256: up.body.sha256 }),
    ]);
    const file = await t.http().get(`/api/v1/reports/${adHoc.body.id}/attachments/${up.body.id}`).set(officer()).expect(200);
    expect(file.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(up.body.sha256, 'hex').toString('base64')}:`);
    // submitted: no more files, and no extension for what has come in
    await t
      .http()
      .post(`/api/v1/reports/${adHoc.body.id}/attachments`)
      .set(g.applicant.auth)
      .attach('file', pdfBytes(), 'mer.pdf')
      .expect(409);
    await t.http().post(`/api/v1/reports/${adHoc.body.id}/extension`).set(officer()).send({ dueOn: '2028-01-01', reason: 'x' }).expect(409);
  });

  it('an overdue report appears in ?overdue=true the day after its due date and not before', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const [report] = await grantReports(t, g.grantId);
    expect(report.dueOn).toBe('2028-03-01');
    const overdueIds = async () => {
      const res = await t.http().get(`/api/v1/reports?overdue=true&grantId=${g.grantId}`).set(officer()).expect(200);
      return res.body.items.map((x: { id: string }) => x.id);
    };
    // the last minute of 1 March in Oslo (UTC+1 in winter): still in time
    let restore = setClock(t, oslo('2028-03-01T23:59:00+01:00'));
    try {
      expect(await overdueIds()).toEqual([]);
      expect((await t.http().get(`/api/v1/reports/${report.id}`).set(officer())).body.overdue).toBe(false);
    } finally {
      restore();
    }
    restore = setClock(t, oslo('2028-03-02T00:00:00+01:00'));
    try {
      expect(await overdueIds()).toEqual([report.id]);
      expect((await t.http().get(`/api/v1/reports/${report.id}`).set(officer())).body.overdue).toBe(true);
      const notOverdue = await t.http().get(`/api/v1/reports?overdue=false&grantId=${g.grantId}`).set(officer()).expect(200);
      expect(notOverdue.body.items.map((x: { dueOn: string }) => x.dueOn)).toEqual(['2029-03-01', '2030-03-31']);
      // the officer's filters: call, state, due before/after
      const due = await t
        .http()
        .get(`/api/v1/reports?callId=${g.call.id}&status=DRAFT&dueAfter=2028-03-01&dueBefore=2029-12-31`)
        .set(officer())
        .expect(200);
      expect(due.body.items.map((x: { id: string }) => x.id)).toContain(report.id);
      expect(due.body.items.every((x: { dueOn: string }) => x.dueOn >= '2028-03-01' && x.dueOn <= '2029-12-31')).toBe(true);
      // submitted late: no longer overdue (it came in)
      const ids = (await approvedIndicators(t, g.application.id)).map((i) => i.indicator_id);
      await t.http().put(`/api/v1/reports/${report.id}`).set(g.applicant.auth).send(progressReportBody(ids)).expect(200);
      await t.http().post(`/api/v1/reports/${report.id}/submit`).set(g.applicant.auth).expect(200);
      expect(await overdueIds()).toEqual([]);
    } finally {
      restore();
    }
  });

  it("a cancelled grant's reports not yet submitted are no longer owed; a submitted one stays", async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const [first] = await grantReports(t, g.grantId);
    const ids = (await approvedIndicators(t, g.application.id)).map((i) => i.indicator_id);
    await t.http().put(`/api/v1/reports/${first.id}`).set(g.applicant.auth).send(progressReportBody(ids)).expect(200);
    await t.http().post(`/api/v1/reports/${first.id}/submit`).set(g.applicant.auth).expect(200);
    // what an approved reversal to a rejection does (decisions.service): the amount leaves the call's committed sum
    // and the grant is cancelled, in one transaction
    const grants = t.app.get(GrantsService);
    const approver = {
      userId: t.userIds.approver,
      email: 'approver@demo.local',
      roles: ['approver' as const],
      organisationIds: [],
      via: 'session' as const,
    };
    await t.dataSource.transaction(async (m) => {
      const grant = await m.getRepository(Grant).findOneByOrFail({ id: g.grantId });
      await grants.commit(m, grant.callId, -grant.amountOre);
      await grants.cancel(m, grant, approver, 'omgjort etter klage', new Date());
    });
    const all = await t.http().get(`/api/v1/reports?grantId=${g.grantId}`).set(officer()).expect(200);
    expect(all.body.items.map((r: { kind: string; status: string }) => [r.kind, r.status])).toEqual([
      ['PROGRESS', 'SUBMITTED'],
      ['PROGRESS', 'CANCELLED'],
      ['FINAL', 'CANCELLED'],
    ]);
  });

  it('pages through the list and refuses a forged cursor', async () => {
    const page = await t.http().get('/api/v1/reports?limit=2').set(officer()).expect(200);
    expect(page.body.items).toHaveLength(2);
    const next = await t.http().get(`/api/v1/reports?limit=2&cursor=${page.body.nextCursor}`).set(officer()).expect(200);
    expect(next.body.items[0].dueOn >= page.body.items[1].dueOn).toBe(true);
    const forged = Buffer.from(JSON.stringify(['not-a-date', '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    expect((await t.http().get(`/api/v1/reports?cursor=${forged}`).set(officer()).expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('reminds 14 and 3 days before the due date and the day after it is missed, each once however often the scan runs', async () => {
    const g = await activeGrant(t, { pool, projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    const [report] = await grantReports(t, g.grantId);
    const scheduler = t.app.get(NotificationScheduler);
    const reminders = async () =>
      (
        await t.dataSource.query(
          `SELECT data->>'occurrence' AS occurrence, recipient_email, requested_language FROM notification
            WHERE entity_id = $1 AND event = 'report.reminder' ORDER BY created_at, id`,
          [report.id],
        )
      ).map((r: { occurrence: string }) => r.occurrence);
    const at = async (local: string) => {
      const restore = setClock(t, oslo(local));
      try {
        await scheduler.runReminders(oslo(local));
        await scheduler.runReminders(oslo(local));
      } finally {
        restore();
      }
    };
    await at('2028-02-14T12:00:00+01:00'); // 16 days before: nothing yet
    expect(await reminders()).toEqual([]);
    await at('2028-02-16T08:00:00+01:00'); // 14 days before
    await at('2028-02-20T08:00:00+01:00');
    expect(await reminders()).toEqual(['2028-03-01:14d']);
    await at('2028-02-27T08:00:00+01:00'); // 3 days before
    await at('2028-03-01T20:00:00+01:00');
    expect(await reminders()).toEqual(['2028-03-01:14d', '2028-03-01:3d']);
    await at('2028-03-02T07:00:00+01:00'); // the day after
    await at('2028-03-03T07:00:00+01:00');
    expect(await reminders()).toEqual(['2028-03-01:14d', '2028-03-01:3d', '2028-03-01:overdue']);
    const [row] = await t.dataSource.query(
      `SELECT recipient_email FROM notification WHERE entity_id = $1 AND event = 'report.reminder' LIMIT 1`,
      [report.id],
    );
    expect(row.recipient_email).toBe(g.contact);
  });
});
