import { createTestApp, DemoRole, TestApp } from './support/app';
import { completeDraft, createCall, createConsortium, createDraft, MunicipalityPool, submittedApplication } from './support/fixtures';
import { invariantViolations } from './support/invariants';
import { HTTP_METHODS, OpenApiDocument, openApiPath, resolve, Schema } from './support/openapi';
import { activeGrant, grantReports } from './support/reports';
import { DUMMY_ID, registeredRoutes } from './support/routes';
import { ROLE_PERMISSIONS } from '../src/identity/permissions';
import { Role as AppRole } from '../src/common/roles';

/**
 * Every operation of the OpenAPI document, as every role that may call it, with made-up path parameters, query
 * strings and bodies drawn from a seeded random generator that knows each operation's parameters and body schema:
 * plausible values with some fields broken, wrong types, edge values, junk ids and real ones. Whatever the input, the
 * answer is a response or a 4xx problem details, never a 5xx; every operation is reached past the permission check by
 * some role; and afterwards the data's invariants hold (test/support/invariants.ts).
 *
 * CI runs a fixed seed and FUZZ_RUNS (6) requests per operation, spread over the roles whose permissions let them
 * in (each at least once). The roles the permission check refuses are refused before any input is read; that door
 * is proven for every route × every role by test/access-matrix.e2e-spec.ts, so CI spends no requests on it here.
 * A longer run, which also knocks at the door as every other role:
 *   FUZZ_RUNS=100 FUZZ_SEED=$RANDOM npm test -- test/fuzz-routes.e2e-spec.ts
 * The seed is printed when something is found, so a failing run can be repeated exactly.
 */
const DEFAULT_RUNS = 6;
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? DEFAULT_RUNS));
const KNOCK_AS_EVERYONE = RUNS > DEFAULT_RUNS;

/** mulberry32: a small seeded generator, so a run is repeatable from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}
type Rng = ReturnType<typeof random>;

type Role = DemoRole | 'anonymous';
const DEMO_ROLES: DemoRole[] = ['admin', 'officer', 'approver', 'assessor', 'assessor2', 'evaluator', 'auditor', 'applicant', 'applicant2'];
const mayCall = (role: DemoRole, permission: string) =>
  (ROLE_PERMISSIONS[role.replace(/2$/, '') as AppRole] as readonly string[]).includes(permission);

const JUNK_IDS = [DUMMY_ID, 'x', '-1', '1e999', 'a'.repeat(300), '%E2%80%AE%00', '2025%2F00001', '..%2F..', 'null'];
const JUNK_STRINGS: unknown[] = [
  '',
  '   ',
  'x'.repeat(5000),
  'a\u0000b',
  '\uD800',
  '2027-02-30',
  '1e999',
  '-1',
  "'; DROP TABLE call; --",
  '%_\\',
  '<script>alert(1)</script>',
  DUMMY_ID,
];
const JUNK_ANY: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  '-9007199254740993',
  2 ** 53 + 2,
  'abc',
  [],
  {},
  [null],
  { a: { b: { c: {} } } },
];

type Operation = {
  method: string;
  path: string;
  isPublic: boolean;
  /** The permission the route declares (undefined: any signed-in user). */
  permission?: string;
  parameters: Array<{ name: string; in: string; schema?: Schema }>;
  body?: Schema;
  multipart: boolean;
};

describe('every operation of the OpenAPI document, junk input, every role: never a 5xx, and the invariants hold', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let operations: Operation[];
  /** Real ids by the first path segment after /api/v1 (calls, applications, grants …), tried beside junk ones. */
  const realIds: Record<string, string[]> = {};
  const memberPaths: Array<{ id: string; organisationId: string }> = [];
  const tokens = {} as Record<DemoRole, string>;

  const addIds = (segment: string, ...ids: Array<string | undefined>) =>
    (realIds[segment] = [...(realIds[segment] ?? []), ...(ids.filter(Boolean) as string[])]);

  beforeAll(async () => {
    t = await createTestApp();
    Object.assign(tokens, t.tokens);
    doc = (await t.http().get('/api/docs-json').expect(200)).body;
    operations = [];
    for (const [path, item] of Object.entries(doc.paths))
      for (const method of HTTP_METHODS) {
        const op = item[method] as
          | (OpenApiDocument['paths'][string][string] & {
              parameters?: Operation['parameters'];
              requestBody?: { content?: Record<string, { schema?: Schema }> };
            })
          | undefined;
        if (!op) continue;
        const content = op.requestBody?.content ?? {};
        operations.push({
          method: method.toUpperCase(),
          path,
          isPublic: !op.security?.length,
          parameters: op.parameters ?? [],
          body: content['application/json']?.schema ?? content['multipart/form-data']?.schema,
          multipart: !!content['multipart/form-data'],
        });
      }
    operations.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
    for (const r of registeredRoutes(t).routes) {
      const op = operations.find((o) => o.method === r.method && o.path === openApiPath(r.path));
      if (op && r.access && 'permission' in r.access) op.permission = r.access.permission;
    }

    // real objects, so a path parameter also reaches the code behind the lookup
    const call = await createCall(t);
    const consortium = await createConsortium(t, t.auth('applicant'), '4601', ['4601', '4631']);
    const draft = await createDraft(t, t.auth('applicant'), completeDraft(call.id, consortium.id));
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
    // an active grant: its decision, payments and reports
    const grant = await activeGrant(t, { pool: await MunicipalityPool.create(t), projectStart: '2027-07-01', projectEnd: '2029-12-31' });
    addIds('calls', call.id, assessed.call.id, grant.call.id);
    addIds('consortia', consortium.id);
    addIds('applications', draft.id, assessed.application.id, grant.application.id);
    addIds('assignments', assignment.body.id);
    addIds('allocation-proposals', proposal.body.id);
    addIds('grants', grant.grantId);
    addIds('reports', ...(await grantReports(t, grant.grantId)).map((r) => r.id).slice(0, 2));
    addIds('cases', encodeURIComponent(assessed.application.caseNumber), encodeURIComponent(grant.caseNumber));
    // every other segment (decisions, payments, appeals, and routes added later): a few ids of the table of that name
    for (const segment of new Set(operations.map((o) => o.path.split('/')[3]).filter(Boolean))) {
      if (realIds[segment] || ['users', 'me', 'auth'].includes(segment)) continue;
      const table = segment.replace(/-/g, '_').replace(/ies$/, 'y').replace(/s$/, '');
      const [exists] = await t.dataSource.query(
        `SELECT 1 AS x FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'`,
        [table],
      );
      if (exists)
        addIds(segment, ...(await t.dataSource.query(`SELECT id::text FROM "${table}" LIMIT 3`)).map((r: { id: string }) => r.id));
    }
    memberPaths.push(
      ...consortium.members.map((m: { organisationId: string }) => ({ id: consortium.id, organisationId: m.organisationId })),
    );
  }, 180_000);
  afterAll(() => t?.close());

  it('documents exactly the routes the app serves (so a route added anywhere is fuzzed here)', () => {
    const served = registeredRoutes(t)
      .routes.filter((r) => r.handler !== 'SwaggerModule')
      .map((r) => `${r.method} ${openApiPath(r.path)}`)
      .sort();
    expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(served);
    expect(operations.length).toBeGreaterThan(100);
  });

  /** A value for `schema`: plausible (valid enum, a real id, a date) or, with probability `junk`, something broken. */
  function valueFor(rng: Rng, schema: Schema | undefined, junk: number, depth = 0): unknown {
    if (!schema || depth > 6) return rng.pick(JUNK_ANY);
    const s = resolve(doc, schema);
    if (rng.chance(junk)) return rng.chance(0.5) ? rng.pick(JUNK_ANY) : rng.pick(JUNK_STRINGS);
    if (s.allOf) return valueFor(rng, s.allOf[0], junk, depth + 1);
    if (s.oneOf || s.anyOf) return valueFor(rng, rng.pick((s.oneOf ?? s.anyOf)!), junk, depth + 1);
    if (s.enum) return rng.chance(0.9) ? rng.pick(s.enum) : 'NOPE';
    switch (s.type) {
      case 'string':
        if (s.format === 'uuid') return rng.chance(0.7) ? rng.pick(Object.values(realIds).flat()) : DUMMY_ID;
        if (s.format === 'date') return rng.pick(['2027-01-15', '2030-12-31', '1999-01-01', '2027-13-01']);
        if (s.format === 'date-time') return rng.pick(['2027-01-15T10:00:00Z', '2026-03-29T02:30:00', '1970-01-01T00:00:00Z']);
        if (s.format === 'binary') return 'not a file';
        return rng.pick(['Tekst', 'Begrunnelse for vedtaket.', 'ola@example.no', '4601', 'x'.repeat(300), '']);
      case 'integer':
      case 'number':
        return rng.pick([0, 1, 42, 100_000_000, -1, 2 ** 31, Number.MAX_SAFE_INTEGER]);
      case 'boolean':
        return rng.chance(0.5);
      case 'array': {
        const n = rng.pick([0, 1, 2, 3]);
        return Array.from({ length: n }, () => valueFor(rng, s.items, junk, depth + 1));
      }
      case 'object':
      default: {
        const out: Record<string, unknown> = {};
        for (const [name, prop] of Object.entries(s.properties ?? {}))
          if ((s.required ?? []).includes(name) || rng.chance(0.6)) out[name] = valueFor(rng, prop, junk, depth + 1);
        if (rng.chance(0.1)) out.unknownField = 'x';
        return out;
      }
    }
  }

  /** A concrete path: real ids of the operation's own kind (and the consortium's real members) or junk ones. */
  function pathFor(rng: Rng, op: Operation): string {
    const segment = op.path.split('/')[3];
    if (op.path.includes('{organisationId}') && memberPaths.length && rng.chance(0.5)) {
      const m = rng.pick(memberPaths);
      return op.path.replace('{id}', m.id).replace('{organisationId}', m.organisationId);
    }
    const own = realIds[segment] ?? [];
    return op.path.replace(/\{(\w+)\}/g, () => (own.length && rng.chance(0.6) ? rng.pick(own) : rng.pick(JUNK_IDS)));
  }

  function queryFor(rng: Rng, op: Operation): Record<string, unknown> {
    const q: Record<string, unknown> = {};
    for (const p of op.parameters.filter((x) => x.in === 'query')) if (rng.chance(0.6)) q[p.name] = String(valueFor(rng, p.schema, 0.4));
    if (rng.chance(0.2)) Object.assign(q, { limit: rng.pick(['abc', '1000', '-1', '0']), cursor: rng.pick(['!!!', 'eyJ4IjoxfQ', '']) });
    return q;
  }

  it('answers every operation, for every role, with a response or a 4xx problem, never a 5xx; and reaches each one', async () => {
    const rng = random(SEED);
    const crashes: string[] = [];
    const notProblems: string[] = [];
    const reached = new Set<string>();
    let requests = 0;

    const attempt = async (op: Operation, role: Role) => {
      const path = pathFor(rng, op);
      const query = op.method === 'GET' || rng.chance(0.2) ? queryFor(rng, op) : {};
      const body = ['POST', 'PUT', 'PATCH'].includes(op.method) ? valueFor(rng, op.body, rng.pick([0, 0.15, 0.3, 1])) : undefined;
      let req = t.http()[op.method.toLowerCase() as 'get'](path).query(query);
      if (role !== 'anonymous') req = req.set('Authorization', `Bearer ${tokens[role]}`);
      // any JSON value as the body, not only objects: a bare number, string or null is junk too
      if (body !== undefined)
        req = op.multipart && rng.chance(0.5) ? req.field('junk', JSON.stringify(body)) : req.type('json').send(JSON.stringify(body));
      const res = await req;
      requests++;
      const what = `${op.method} ${path} ${JSON.stringify(query)} ${JSON.stringify(body)?.slice(0, 300)} as ${role}`;
      if (res.status >= 500) crashes.push(`${what}: ${res.status} ${res.body?.detail ?? ''}`);
      else if (res.status >= 400 && !isProblem(res)) notProblems.push(`${what}: ${res.status} ${res.headers['content-type']}`);
      return res;
    };
    const isProblem = (res: { status: number; headers: Record<string, string>; body?: { status?: number; code?: string } }) =>
      /^application\/problem\+json/.test(res.headers['content-type'] ?? '') && res.body?.status === res.status && !!res.body?.code;

    const timing: Array<[string, number, number]> = [];
    for (const op of operations) {
      const key = `${op.method} ${op.path}`;
      const started = Date.now();
      const before = requests;
      // public: as nobody and as someone; otherwise every role the permission lets in, each at least once
      const allowed: Role[] = op.isPublic
        ? ['anonymous', rng.pick(DEMO_ROLES)]
        : DEMO_ROLES.filter((r) => !op.permission || mayCall(r, op.permission));
      const refused: Role[] = op.isPublic ? [] : ['anonymous', ...DEMO_ROLES.filter((r) => !allowed.includes(r))];
      const plan: Role[] = [
        ...(allowed.length ? Array.from({ length: Math.max(RUNS, allowed.length) }, (_, i) => allowed[i % allowed.length]) : []),
        ...(KNOCK_AS_EVERYONE || !allowed.length ? refused : []),
      ];
      let authRefused = false;
      for (const role of plan) {
        const res = await attempt(op, role);
        if (res.status === 401 && role !== 'anonymous') authRefused = true;
        if (!(res.status === 401 || (res.status === 403 && res.body?.code === 'FORBIDDEN'))) reached.add(key);
      }
      timing.push([key, Date.now() - started, requests - before]);
      // an operation that ended the roles' sessions (a password change, a sign-out): new tokens for the next one
      if (authRefused)
        for (const role of DEMO_ROLES) {
          const me = await t.http().get('/api/v1/me').set('Authorization', `Bearer ${tokens[role]}`);
          if (me.status === 401) tokens[role] = await t.tokenForUser(t.userIds[role]);
        }
    }

    if (process.env.FUZZ_PROFILE)
      console.log(
        `${requests} requests\n` +
          timing
            .sort((a, b) => b[1] - a[1])
            .slice(0, 40)
            .map(([k, ms, n]) => `${ms} ms ${n} req ${k}`)
            .join('\n'),
      );
    if (crashes.length || notProblems.length) console.log(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}, ${requests} requests`);
    expect(crashes).toEqual([]);
    expect(notProblems).toEqual([]);
    // every operation of the document was reached past the door by some role, not only refused there
    expect(operations.map((o) => `${o.method} ${o.path}`).filter((k) => !reached.has(k))).toEqual([]);

    const violations = await invariantViolations(
      (sql, params) => t.dataSource.query(sql, params),
      async () =>
        (
          await t
            .http()
            .get('/api/v1/audit/verify')
            .set('Authorization', `Bearer ${await t.tokenForUser(t.userIds.auditor)}`)
        ).body,
    );
    expect(violations).toEqual([]);
  }, 900_000);
});
