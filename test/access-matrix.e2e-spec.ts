import { ROLE_PERMISSIONS } from '../src/identity/permissions';
import { createTestApp, DemoRole, TestApp } from './support/app';
import { bearer } from './support/auth';
import { concretePath, DUMMY_ID, registeredRoutes, Route } from './support/routes';
import { Permission, PERMISSIONS } from '../src/common/permissions';
import { Role } from '../src/common/roles';

interface Caller {
  name: string;
  headers: Record<string, string>;
  /** What the caller may do; undefined for no token. */
  permissions?: Set<Permission>;
}

const DEMO_ROLES: DemoRole[] = ['admin', 'officer', 'approver', 'assessor', 'assessor2', 'evaluator', 'auditor', 'applicant', 'applicant2'];
const roleOf = (r: DemoRole): Role => r.replace(/2$/, '') as Role;

describe('access control matrix: every route × every role, and no token', () => {
  let t: TestApp;
  let routes: Route[];
  let unmatched: string[];
  const callers: Caller[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    ({ routes, unmatched } = registeredRoutes(t));
    callers.push({ name: 'no token', headers: {} });
    for (const r of DEMO_ROLES) callers.push({ name: r, headers: t.auth(r), permissions: new Set(ROLE_PERMISSIONS[roleOf(r)]) });
    // API tokens: the owner's permissions narrowed to the token's scopes
    const scoped = async (role: DemoRole, scopes: Permission[]) => {
      const res = await t
        .http()
        .post('/api/v1/api-tokens')
        .set(t.auth(role))
        .send({ name: `matrix ${role}`, scopes, expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
        .expect(201);
      callers.push({ name: `${role} API token [${scopes.join(', ')}]`, headers: bearer(res.body.token), permissions: new Set(scopes) });
    };
    await scoped('evaluator', ['insights:read']);
    await scoped('officer', ['calls:read', 'consortia:read']);
  });
  afterAll(() => t.close());

  it('finds the routes the app serves, each matched to its handler', () => {
    expect(unmatched).toEqual([]);
    expect(routes.length).toBeGreaterThan(20);
    for (const known of [
      'POST /api/v1/auth/login',
      'GET /api/v1/me',
      'PATCH /api/v1/users/:id',
      'DELETE /api/v1/api-tokens/:id',
      'GET /api/v1/audit/verify',
      'POST /api/v1/consortia/:id/members/:organisationId/confirm',
      'POST /api/v1/consortia/:id/members/:organisationId/leave',
      'POST /api/v1/consortia/:id/members/:organisationId/letter-of-intent',
      'POST /api/v1/consortia/:id/members/:organisationId/letter-of-intent/accept',
      'GET /health/live',
      'GET /api/docs',
      'PUT /api/v1/me/ties',
      'POST /api/v1/assignments/:id/declaration',
      'GET /api/v1/assignments/:id/application',
      'GET /api/v1/calls/:id/ranking',
      'POST /api/v1/allocation-proposals/:id/adjustments',
      'GET /api/v1/reports',
      'PUT /api/v1/reports/:id',
      'GET /api/v1/reports/:id/validation',
      'POST /api/v1/reports/:id/submit',
      'POST /api/v1/reports/:id/review',
      'GET /api/v1/reports/:id/versions/:version',
      'POST /api/v1/reports/:id/extension',
      'POST /api/v1/grants/:id/reports',
      'POST /api/v1/grants/:id/project-end',
      'POST /api/v1/reports/:id/attachments',
      'GET /api/v1/cases/:caseNumber/messages',
      'POST /api/v1/cases/:caseNumber/messages',
      'GET /api/v1/cases/:caseNumber/notes',
      'POST /api/v1/cases/:caseNumber/notes',
      'GET /api/v1/cases/:caseNumber/messages/:messageId/attachments/:attachmentId',
      'GET /api/v1/cases/:caseNumber/activity',
      'GET /api/v1/insights/portfolio',
      'GET /api/v1/insights/reach',
      'GET /api/v1/insights/money-flow',
      'GET /api/v1/insights/indicators',
      'GET /api/v1/insights/timeliness',
      'GET /api/v1/insights/reports',
      'GET /api/v1/insights/charts/:name.svg',
      'POST /api/v1/grants/:id/change-requests',
      'GET /api/v1/grants/:id/change-requests',
      'GET /api/v1/change-requests/:id',
      'POST /api/v1/change-requests/:id/consents',
      'POST /api/v1/change-requests/:id/decision',
      'POST /api/v1/change-requests/:id/confirmation',
      'GET /api/v1/change-requests/:id/letter',
      'GET /api/v1/grants/:id/status-changes',
      'POST /api/v1/grants/:id/status-changes',
      'POST /api/v1/grants/:id/status-changes/:changeId/decision',
    ]) {
      expect(routes.map((r) => `${r.method} ${r.path}`)).toContain(known);
    }
  });

  it('every route declares @Public() or @RequirePermission() with a known permission', () => {
    expect(routes.filter((r) => !r.access).map((r) => `${r.method} ${r.path} (${r.handler})`)).toEqual([]);
    const unknown = routes.filter((r) => r.access && 'permission' in r.access && !PERMISSIONS.includes(r.access.permission));
    expect(unknown.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('answers every caller on every route as the declared rule says', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const path = concretePath(route.path);
      for (const caller of callers) {
        const expected = !route.access
          ? caller.permissions
            ? 'deny'
            : 'unauthenticated'
          : 'public' in route.access
            ? 'allow'
            : !caller.permissions
              ? 'unauthenticated'
              : caller.permissions.has(route.access.permission)
                ? 'allow'
                : 'deny';
        let req = t.http()[route.method.toLowerCase() as 'get'](path).set(caller.headers);
        if (['POST', 'PUT', 'PATCH'].includes(route.method)) req = req.send({});
        const res = await req;
        const ok =
          expected === 'allow'
            ? ![401, 403].includes(res.status) && res.status < 500
            : expected === 'deny'
              ? res.status === 403 && res.body.code === 'FORBIDDEN'
              : res.status === 401;
        if (!ok)
          wrong.push(`${route.method} ${route.path} as ${caller.name}: expected ${expected}, got ${res.status} ${res.body?.code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
    // some 110 routes × 12 callers, one request at a time: close to a minute on a busy machine
  }, 240_000);

  it('audits each refusal by the declared rule', async () => {
    const before = (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'access.denied'`))[0].n;
    await t.http().get('/api/v1/audit').set(t.auth('applicant')).expect(403);
    const rows = await t.dataSource.query(
      `SELECT actor_user_id::text AS u, entity_id FROM audit_event WHERE action = 'access.denied' ORDER BY audit_event.seq DESC LIMIT 1`,
    );
    expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'access.denied'`))[0].n).toBe(before + 1);
    expect(rows[0]).toEqual({ u: t.userIds.applicant, entity_id: 'GET /api/v1/audit' });
  });
});

describe('object-level access: an applicant sees only its own consortia', () => {
  let t: TestApp;
  let bergen: string;
  let oslo: string;
  beforeAll(async () => {
    t = await createTestApp();
    bergen = (
      await t
        .http()
        .post('/api/v1/consortia')
        .set(t.auth('applicant'))
        .send({ name: 'Bergensalliansen', leadMunicipality: '4601', members: ['4601', '4631'] })
        .expect(201)
    ).body.id;
    oslo = (
      await t
        .http()
        .post('/api/v1/consortia')
        .set(t.auth('applicant2'))
        .send({ name: 'Osloregionen', leadMunicipality: '0301', members: ['0301', '3201'] })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  it('answers 404, not 403, for another consortium, so its existence does not leak', async () => {
    const read = await t.http().get(`/api/v1/consortia/${oslo}`).set(t.auth('applicant')).expect(404);
    expect(read.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const unknown = await t.http().get(`/api/v1/consortia/${DUMMY_ID}`).set(t.auth('applicant')).expect(404);
    expect({ ...read.body, detail: undefined, instance: undefined, requestId: undefined }).toEqual({
      ...unknown.body,
      detail: undefined,
      instance: undefined,
      requestId: undefined,
    });
    await t.http().patch(`/api/v1/consortia/${oslo}`).set(t.auth('applicant')).send({ name: 'Kapret' }).expect(404);
    await t.http().get(`/api/v1/consortia/${bergen}`).set(t.auth('applicant2')).expect(404);
    expect((await t.http().get(`/api/v1/consortia/${oslo}`).set(t.auth('applicant2')).expect(200)).body.name).toBe('Osloregionen');
  });

  it('lists only the applicant’s own consortia; staff see both', async () => {
    const mine = await t.http().get('/api/v1/consortia').set(t.auth('applicant')).expect(200);
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([bergen]);
    const theirs = await t.http().get('/api/v1/consortia').set(t.auth('applicant2')).expect(200);
    expect(theirs.body.items.map((c: { id: string }) => c.id)).toEqual([oslo]);
    const officer = await t.http().get('/api/v1/consortia').set(t.auth('officer')).expect(200);
    expect(officer.body.items.map((c: { id: string }) => c.id).sort()).toEqual([bergen, oslo].sort());
  });

  it('holds for an applicant’s API token too', async () => {
    const token = (
      await t
        .http()
        .post('/api/v1/api-tokens')
        .set(t.auth('applicant'))
        .send({ name: 'x', scopes: ['consortia:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
        .expect(201)
    ).body.token;
    await t.http().get(`/api/v1/consortia/${bergen}`).set(bearer(token)).expect(200);
    await t.http().get(`/api/v1/consortia/${oslo}`).set(bearer(token)).expect(404);
  });
});
