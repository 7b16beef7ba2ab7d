import { randomBytes } from 'node:crypto';
import { TestApp } from './app';
import { proposedDecision } from './decisions';
import { Auth, createCall, MunicipalityPool, pdfBytes, submittedApplication, testRules } from './fixtures';

/**
 * Factories for follow-up reports (issue 12): a grant in a call whose projects may run 2027–2030, decided through the
 * real API (submitted, found eligible, decided and approved), then accepted by the lead's applicant (ACTIVE): the
 * acceptance generates the reports.
 *
 * The assessment is skipped with the decisions helpers' SQL shortcut (the application set ASSESSED): reports do not
 * depend on how it was scored.
 */
export async function activeGrant(
  t: TestApp,
  opts: {
    pool: MunicipalityPool;
    projectStart: string;
    projectEnd: string;
    members?: string[];
    call?: { id: string; measureCode: string };
    /** How the conditions are accepted: online by the lead's applicant (default), or a signed document an officer records. */
    acceptance?: 'online' | 'signed';
  },
) {
  const call =
    opts.call ??
    (await createCall(t, {
      rules: testRules('INNFORING', { projectPeriod: { earliestStart: '2027-01-01', latestEnd: '2030-12-31', maxMonths: 36 } }),
    }));
  const members = opts.members ?? opts.pool.take(2);
  const contact = `kontakt-${randomBytes(4).toString('hex')}@test.local`;
  const s = await submittedApplication(t, {
    pool: opts.pool,
    call,
    members,
    draft: {
      projectStart: opts.projectStart,
      projectEnd: opts.projectEnd,
      // 2 000 000 kr of eligible costs, 1 000 000 kr requested: the approved budget the reports are held against
      budgetLines: [
        { costCategory: 'PROSESSENDRING', description: 'Prosessendring', year: 2027, amountOre: 60_000_000 },
        { costCategory: 'PROSESSENDRING', description: 'Prosessendring', year: 2028, amountOre: 60_000_000 },
        { costCategory: 'SAMHANDLINGSFUNKSJONALITET', description: 'Samhandling', year: 2028, amountOre: 80_000_000 },
      ],
      contactPersons: [{ name: 'Kari Kontakt', email: contact, role: 'prosjektleder' }],
    },
  });
  const officer = t.auth('officer');
  await t.http().post(`/api/v1/applications/${s.application.id}/formal-check`).set(officer).send({ outcome: 'eligible' }).expect(200);
  await t.dataSource.query(`UPDATE application SET status = 'ASSESSED' WHERE id = $1`, [s.application.id]);
  const d = await proposedDecision(t, s.application.id);
  const approved = await t.http().post(`/api/v1/decisions/${d.id}/approve`).set(t.auth('approver')).send({});
  if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
  const grantId: string = approved.body.grantId;
  if (opts.acceptance === 'signed') await recordSigned(t, grantId);
  else await activate(t, grantId, s.applicant.auth);
  return { ...s, call, members, grantId, contact, caseNumber: approved.body.caseNumber as string };
}

/** The lead municipality's applicant accepts the grant's conditions online: the grant is ACTIVE and its reports owed. */
async function activate(t: TestApp, grantId: string, lead: Auth): Promise<void> {
  const res = await t.http().post(`/api/v1/grants/${grantId}/accept`).set(lead).send({ name: 'Ola Ordfører', title: 'ordfører' });
  if (res.status !== 200) throw new Error(`accept: ${res.status} ${JSON.stringify(res.body)}`);
}

/** An officer records an acceptance signed outside the system: the grant is ACTIVE and its reports owed. */
async function recordSigned(t: TestApp, grantId: string): Promise<void> {
  const res = await t
    .http()
    .post(`/api/v1/grants/${grantId}/signed-acceptance`)
    .set(t.auth('officer'))
    .field('name', 'Ola Ordfører')
    .field('title', 'ordfører')
    .attach('file', pdfBytes(), 'aksept.pdf');
  if (res.status !== 200) throw new Error(`signed acceptance: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A grant's reports as GET /grants/{id} shows them. */
export async function grantReports(t: TestApp, grantId: string) {
  const g = await t.http().get(`/api/v1/grants/${grantId}`).set(t.auth('officer')).expect(200);
  return g.body.reports as Array<{ id: string; kind: string; dueOn: string; title: string; status: string; overdue: boolean }>;
}

/** The indicators of the application's approved benefit plan, with their ids. */
export async function approvedIndicators(t: TestApp, applicationId: string): Promise<Array<{ indicator_id: string; name: string }>> {
  return t.dataSource.query(
    `SELECT si.indicator_id, si.name FROM submitted_indicator si JOIN application a ON a.id = si.application_id AND si.version = a.current_version
      WHERE a.id = $1 ORDER BY si.position`,
    [applicationId],
  );
}

/** A complete progress report for the demo sections, with a value for every indicator given. */
export function progressReportBody(indicatorIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    sections: [
      { code: 'PROGRESS', text: 'Anskaffelsen er gjennomført, innføringen er i gang i alle kommunene.' },
      { code: 'DEVIATIONS', text: 'Migreringen ble forsinket to måneder; vi har satt inn ekstra ressurser.' },
      { code: 'RISKS', text: 'Leverandørens kapasitet i 2028.' },
      { code: 'SHARING', text: 'Erfaringene er delt i KS-nettverket.' },
    ],
    actuals: [
      { costCategory: 'PROSESSENDRING', year: 2027, amountOre: 55_000_000 },
      { costCategory: 'PROSESSENDRING', year: 2028, amountOre: 20_000_000 },
    ],
    indicators: indicatorIds.map((indicatorId) => ({
      indicatorId,
      measured: true,
      value: '4.5',
      periodStart: '2027-07-01',
      periodEnd: '2028-02-29',
      method: 'MEASURED',
      comment: 'Målt i fagsystemets logg.',
    })),
    ...overrides,
  };
}
