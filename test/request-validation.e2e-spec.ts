import { createTestApp, TestApp } from './support/app';
import { applicantFor, completeDraft, createCall, createConsortium, createDraft, MunicipalityPool } from './support/fixtures';

/**
 * Requests a new user gets wrong, and what they must get back: problem details with the request id, every unknown
 * field refused by name, a broken data rule named by its field, and a forged cursor refused before it reaches SQL.
 */
describe('request validation at the edges', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t);
  });
  afterAll(() => t.close());

  const problemFields = (body: { errors?: Array<{ field: string; code: string }> }) =>
    (body.errors ?? []).map(({ field, code }) => ({ field, code }));

  describe('a body the JSON parser refuses', () => {
    it.each([
      ['malformed JSON', '{"name": ', 400, 'MALFORMED_JSON'],
      ['a null body', 'null', 400, 'MALFORMED_JSON'],
      ['a body over the size limit', JSON.stringify({ name: 'x'.repeat(1_100_000) }), 413, 'PAYLOAD_TOO_LARGE'],
    ])('%s is answered with problem details carrying the request id', async (_label, body, status, code) => {
      const res = await t.http().post('/api/v1/consortia').set(t.auth('officer')).set('content-type', 'application/json').send(body);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status, code });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    });

    it('echoes a caller-supplied request id on a refused body too', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .set('content-type', 'application/json')
        .set('x-request-id', 'trace-parser-0001')
        .send('{oops')
        .expect(400);
      expect(res.headers['x-request-id']).toBe('trace-parser-0001');
      expect(res.body.requestId).toBe('trace-parser-0001');
    });
  });

  describe('unknown fields named like object machinery', () => {
    // raw JSON: JSON.parse makes "__proto__" an own field, as a client's body would; an object literal would not
    it.each(['__proto__', 'constructor'])('POST with "%s" is a 400 UNKNOWN_FIELD, and nothing is created', async (key) => {
      const members = pool.take(2);
      const before = (await t.dataSource.query(`SELECT count(*)::int AS n FROM consortium`))[0].n;
      const res = await t
        .http()
        .post('/api/v1/consortia')
        .set(t.auth('officer'))
        .set('content-type', 'application/json')
        .send(`{"name":"Maskinalliansen","leadMunicipality":"${members[0]}","members":${JSON.stringify(members)},"${key}":{"x":1}}`)
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(problemFields(res.body)).toEqual([{ field: key, code: 'UNKNOWN_FIELD' }]);
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM consortium`))[0].n).toBe(before);
    });

    it.each(['__proto__', 'constructor'])('PATCH with "%s" (also nested) is a 400 UNKNOWN_FIELD, and nothing changes', async (key) => {
      const members = pool.take(2);
      const c = await createConsortium(t, t.auth('officer'), members[0], members, 'Uendret samarbeid');
      const top = await t
        .http()
        .patch(`/api/v1/consortia/${c.id}`)
        .set(t.auth('officer'))
        .set('content-type', 'application/json')
        .send(`{"name":"Endret samarbeid","${key}":{"name":"x"}}`)
        .expect(400);
      expect(problemFields(top.body)).toEqual([{ field: key, code: 'UNKNOWN_FIELD' }]);

      const call = await createCall(t);
      const applicant = await applicantFor(t, members[0]);
      const own = await createConsortium(t, applicant.auth, members[0], members, 'Søkers samarbeid');
      const draft = await createDraft(t, applicant.auth, completeDraft(call.id, own.id, call.measureCode));
      const nested = await t
        .http()
        .patch(`/api/v1/applications/${draft.id}`)
        .set(applicant.auth)
        .set('content-type', 'application/json')
        .send(`{"budgetLines":[{"costCategory":"OPPLAERING","description":"x","year":2030,"amountOre":1,"${key}":{}}]}`)
        .expect(400);
      expect(problemFields(nested.body)).toEqual([{ field: `budgetLines[0].${key}`, code: 'UNKNOWN_FIELD' }]);
      const got = await t.http().get(`/api/v1/consortia/${c.id}`).set(t.auth('officer')).expect(200);
      expect(got.body.name).toBe('Uendret samarbeid');
    });
  });

  describe('a broken data rule is a validation problem naming the field', () => {
    let applicant: Awaited<ReturnType<typeof applicantFor>>;
    let call: { id: string; measureCode: string };
    let consortiumId: string;
    beforeAll(async () => {
      const members = pool.take(2);
      applicant = await applicantFor(t, members[0]);
      call = await createCall(t);
      consortiumId = (await createConsortium(t, applicant.auth, members[0], members)).id;
    });

    it('a project that ends before it starts, on create: projectEnd, PROJECT_ENDS_BEFORE_START', async () => {
      const res = await t
        .http()
        .post('/api/v1/applications')
        .set(applicant.auth)
        .send(completeDraft(call.id, consortiumId, call.measureCode, { projectStart: '2030-05-01', projectEnd: '2030-01-31' }))
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(problemFields(res.body)).toEqual([{ field: 'projectEnd', code: 'PROJECT_ENDS_BEFORE_START' }]);
      expect(res.body.errors[0].message).toMatch(/ends before it starts/);
    });

    it('a start moved past the end by a PATCH: projectEnd, PROJECT_ENDS_BEFORE_START, and the draft is unchanged', async () => {
      const draft = await createDraft(t, applicant.auth, completeDraft(call.id, consortiumId, call.measureCode));
      const res = await t
        .http()
        .patch(`/api/v1/applications/${draft.id}`)
        .set(applicant.auth)
        .send({ projectStart: '2099-01-01' })
        .expect(400);
      expect(problemFields(res.body)).toEqual([{ field: 'projectEnd', code: 'PROJECT_ENDS_BEFORE_START' }]);
      const got = await t.http().get(`/api/v1/applications/${draft.id}`).set(applicant.auth).expect(200);
      expect(got.body.projectStart).toBe(draft.projectStart);
    });

    it.each([
      ['an application title of spaces', 'applications', { title: '     ' }, 'title'],
      ['a call title of spaces', 'calls', { title: { nb: '    ', nn: 'Tittel' } }, 'title.nb'],
      ['a consortium name of one letter among spaces', 'consortia', { name: '  x  ' }, 'name'],
    ])('%s: NOT_BLANK on its field', async (_label, what, patch, field) => {
      let url: string;
      let auth = applicant.auth;
      if (what === 'applications')
        url = `/api/v1/applications/${(await createDraft(t, applicant.auth, completeDraft(call.id, consortiumId, call.measureCode))).id}`;
      else if (what === 'calls') {
        url = `/api/v1/calls/${(await createCall(t, {}, { publish: false })).id}`;
        auth = t.auth('officer');
      } else url = `/api/v1/consortia/${consortiumId}`;
      const res = await t.http().patch(url).set(auth).send(patch).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(problemFields(res.body)).toEqual([{ field, code: 'NOT_BLANK' }]);
    });

    it('a blank title or name is refused on create as well', async () => {
      const members = pool.take(2);
      const consortium = await t
        .http()
        .post('/api/v1/consortia')
        .set(applicant.auth)
        .send({ name: ' y ', leadMunicipality: members[0], members })
        .expect(400);
      expect(problemFields(consortium.body)).toEqual([{ field: 'name', code: 'NOT_BLANK' }]);
      const application = await t
        .http()
        .post('/api/v1/applications')
        .set(applicant.auth)
        .send(completeDraft(call.id, consortiumId, call.measureCode, { title: '   ' }))
        .expect(400);
      expect(problemFields(application.body)).toEqual([{ field: 'title', code: 'NOT_BLANK' }]);
      const area = await t
        .http()
        .post('/api/v1/technology-areas')
        .set(t.auth('officer'))
        .send({ code: 'BLANK_AREA', name: { nb: '   ', nn: 'Område' }, availableFromYear: 2026 })
        .expect(400);
      expect(problemFields(area.body)).toEqual([{ field: 'name.nb', code: 'NOT_BLANK' }]);
    });
  });

  describe('a forged cursor is refused before it reaches SQL', () => {
    const forge = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

    it.each([
      ['audit', ['1e400'], 'auditor', '/api/v1/audit'],
      ['audit', ['99999999999999999999'], 'auditor', '/api/v1/audit'],
      ['audit', ['12 OR 1=1'], 'auditor', '/api/v1/audit'],
      ['calls', ['yesterday', 'x'], 'officer', '/api/v1/calls'],
      ['consortia', ['2026-13-45T00:00:00.000000Z', '00000000-0000-0000-0000-000000000000'], 'officer', '/api/v1/consortia'],
      ['applications', ['2026-01-01T00:00:00.000000Z', 'not-a-uuid'], 'officer', '/api/v1/applications'],
      ['organisations', ['Bergen kommune', 'not-a-uuid'], 'officer', '/api/v1/organisations'],
      ['notifications', ['never', 'x'], 'admin', '/api/v1/notifications'],
      ['my notifications', ['2026-01-01', 'x'], 'applicant', '/api/v1/me/notifications'],
      ['api tokens', ['2026-01-01T00:00:00Z', 'nope'], 'evaluator', '/api/v1/api-tokens'],
    ] as const)('%s: cursor %j is a 400 INVALID_CURSOR', async (_label, key, role, url) => {
      const res = await t
        .http()
        .get(url)
        .query({ cursor: forge([...key]) })
        .set(t.auth(role))
        .expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(problemFields(res.body)).toEqual([{ field: 'cursor', code: 'INVALID_CURSOR' }]);
    });

    it('a cursor the API returned still pages on', async () => {
      const first = await t.http().get('/api/v1/audit').query({ limit: 1 }).set(t.auth('auditor')).expect(200);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t
        .http()
        .get('/api/v1/audit')
        .query({ limit: 1, cursor: first.body.nextCursor })
        .set(t.auth('auditor'))
        .expect(200);
      expect(Number(second.body.items[0].seq)).toBeLessThan(Number(first.body.items[0].seq));
    });
  });
});
