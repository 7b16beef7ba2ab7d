import { createTestApp, DemoRole, TestApp } from './support/app';
import { completeDraft, createCall, createConsortium, createDraft, MunicipalityPool, submittedApplication } from './support/fixtures';
import { concretePath, DUMMY_ID, registeredRoutes, Route } from './support/routes';
import { activeGrant, grantReports } from './support/reports';

/**
 * Every route the app serves, called with made-up path parameters, query strings and bodies by the roles that reach
 * the most code: whatever the input, the answer is a response or a 4xx problem, never a 500.
 */
describe('every route, junk input: never a 500', () => {
  let t: TestApp;
  let routes: Route[];
  beforeAll(async () => {
    t = await createTestApp();
    ({ routes } = registeredRoutes(t));
    // real objects too, so a path parameter also reaches the code behind the lookup
    const call = await createCall(t);
    const consortium = await createConsortium(t, t.auth('applicant'), '4601', ['4601', '4631']);
    const draft = await createDraft(t, t.auth('applicant'), completeDraft(call.id, consortium.id));
    // an application in assessment with the officer assigned, and an allocation proposal: the assessment routes' objects
    const assessed = await submittedApplication(t, { pool: await MunicipalityPool.create(t) });
    await t
      .http()
      .post(`/api/v1/applications/${assessed.application.id}/formal-check`)
      .set(t.auth('officer'))
      .send({ outcome: 'eligible' })
      .expect(200);
    const assignment = await t
      .http()
      .post(`/api/v1/applications/${assessed.application.id}/assignments`)
      .set(t.auth('officer'))
      .send({ assessorId: t.userIds.officer })
      .expect(201);
    const proposal = await t.http().post(`/api/v1/calls/${assessed.call.id}/allocation-proposals`).set(t.auth('officer')).expect(201);
    ids.unshift(call.id, consortium.id, draft.id);
    assessmentIds.push(assessed.application.id, assignment.body.id, proposal.body.id);
    // an active grant and its first report: the report routes' objects
    const grant = await activeGrant(t, { pool: await MunicipalityPool.create(t), projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    reportIds.push(grant.grantId, (await grantReports(t, grant.grantId))[0].id);
    // a proposed suspension of that grant: the status-change decision route reached with real ids (and by an approver)
    const change = await t
      .http()
      .post(`/api/v1/grants/${grant.grantId}/status-changes`)
      .set(t.auth('officer'))
      .send({ kind: 'SUSPEND', reasons: 'Fuzz' })
      .expect(201);
    statusChangePaths.push({ id: grant.grantId, changeId: change.body.id });
    // the member routes (consent) reached with a real consortium and each of its real members
    memberPaths = consortium.members.map((m) => ({ id: consortium.id, organisationId: m.organisationId }));
  });
  let memberPaths: Array<{ id: string; organisationId: string }> = [];
  const statusChangePaths: Array<{ id: string; changeId: string }> = [];
  afterAll(() => t.close());

  // real objects of the assessment, tried on its routes only (every route × every id would take minutes)
  const assessmentIds: string[] = [];
  const ASSESSMENT_ROUTE = /assignments|allocation-proposals|ranking|assessment|moderation|ties/;
  const reportIds: string[] = [];
  const REPORT_ROUTE = /^\/api\/v1\/(reports|grants)\//;
  const ids = [DUMMY_ID, 'x', '-1', '1e999', 'a'.repeat(300), '%E2%80%AE%00', '2025%2F00001'];
  const queries: Array<Record<string, unknown>> = [
    {},
    { limit: 'abc', cursor: '!!!' },
    { limit: '1000', status: 'nope', from: 'yesterday', to: '2025-02-30', q: '%_\\', anchorSeq: '1', anchorHash: 'z' },
  ];
  const bodies: unknown[] = [
    {},
    [],
    {
      name: 123,
      members: 'x',
      leadMunicipality: {},
      dueAt: [],
      reason: { a: 1 },
      amountOre: '1e400',
      year: -5,
      email: 'x',
      scopes: 'all',
      roles: ['emperor'],
    },
    {
      callId: DUMMY_ID,
      consortiumId: DUMMY_ID,
      budgetLines: [{ amountOre: 1.5 }],
      benefitPlan: { indicators: 'x' },
      contactPersons: [null],
      rules: { criteria: [{ weight: 'x' }] },
    },
    {
      sections: [{ code: 'PROGRESS', text: 7 }],
      actuals: [{ costCategory: 'x', year: 'now', amountOre: -1 }],
      indicators: [{ indicatorId: 'x', measured: 'yes', value: '1e5', responseRatePercent: '101', periodStart: '2027-02-30' }],
      outcome: 'MAYBE',
      sectionComments: [{ section: 'NOPE', comment: '' }],
      dueOn: '2027-13-01',
      projectEnd: '1999-01-01',
      questions: [''],
    },
  ];
  const roles: DemoRole[] = ['admin', 'officer', 'applicant'];

  it('answers junk with a response or a 4xx problem', async () => {
    expect(routes.length).toBeGreaterThan(60);
    const crashes: string[] = [];
    const check = async (route: Route, role: DemoRole, path: string, query: Record<string, unknown>, body?: unknown) => {
      let req = t.http()[route.method.toLowerCase() as 'get'](path).query(query).set(t.auth(role));
      if (body !== undefined) req = req.send(body as object);
      const res = await req;
      if (res.status >= 500)
        crashes.push(
          `${route.method} ${path} ${JSON.stringify(query)} ${JSON.stringify(body)} as ${role}: ${res.status} ${res.body?.detail ?? ''}`,
        );
      else if (res.status >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    };
    for (const route of routes.filter((r) => !r.path.startsWith('/api/docs') && r.path !== '/api/v1/auth/login')) {
      const tried = ASSESSMENT_ROUTE.test(route.path)
        ? [...assessmentIds, ...ids]
        : REPORT_ROUTE.test(route.path)
          ? [...reportIds, ...ids]
          : ids;
      const paths = route.path.includes(':') ? tried.map((id) => route.path.replace(/:\w+/g, id)) : [concretePath(route.path)];
      if (route.path.includes(':organisationId'))
        paths.push(...memberPaths.map((p) => route.path.replace(':id', p.id).replace(':organisationId', p.organisationId)));
      const changePaths = route.path.includes(':changeId')
        ? statusChangePaths.map((p) => route.path.replace(':id', p.id).replace(':changeId', p.changeId))
        : [];
      paths.push(...changePaths);
      // the approver decides status changes: junk bodies on the real change only
      for (const path of changePaths) for (const body of bodies) await check(route, 'approver', path, {}, body);
      for (const role of roles) {
        for (const path of paths) {
          if (['POST', 'PUT', 'PATCH'].includes(route.method)) {
            for (const body of bodies) await check(route, role, path, {}, body);
          } else {
            for (const query of queries) await check(route, role, path, query);
          }
        }
      }
    }
    expect(crashes).toEqual([]);
    // thousands of requests one at a time: minutes on a loaded machine
  }, 900_000);
});
