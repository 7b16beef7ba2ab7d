import SwaggerParser from '@apidevtools/swagger-parser';
import type { Response as SupertestResponse } from 'supertest';
import { DEFAULT_DEMO_PASSWORD } from '../src/identity/demo-seed';
import { createTestApp, TestApp } from './support/app';
import { applicantFor, completeDraft, createCall, MunicipalityPool, pdfBytes, submittedApplication } from './support/fixtures';
import { HTTP_METHODS, OpenApiDocument, openApiPath, operationFor, schemaErrors } from './support/openapi';
import { registeredRoutes, Route } from './support/routes';

/**
 * The OpenAPI document is what clients are generated from: every operation says what it answers (a schema for its
 * 2xx, problem details for its errors) and whether it needs a token, exactly as the route is declared; and what the
 * app really answers conforms to it, field for field.
 */

// superagent keeps the request it answered; its types do not say so
type Response = SupertestResponse & { req: { method: string; path: string } };

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDocument;
  let routes: Route[];
  const operations: Array<{ method: string; path: string; op: OpenApiDocument['paths'][string][string] }> = [];

  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.http().get('/api/docs-json').expect(200)).body;
    routes = registeredRoutes(t).routes.filter((r) => r.handler !== 'SwaggerModule');
    for (const [path, item] of Object.entries(doc.paths))
      for (const method of HTTP_METHODS) if (item[method]) operations.push({ method: method.toUpperCase(), path, op: item[method] });
  });
  afterAll(() => t.close());

  it('is a valid OpenAPI 3 document', async () => {
    expect(doc).toHaveProperty('openapi', expect.stringMatching(/^3\./));
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('documents every served route, and nothing else', () => {
    const served = routes.map((r) => `${r.method} ${openApiPath(r.path)}`).sort();
    expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(served);
  });

  it('gives every operation a 2xx response with a schema (204: no body)', () => {
    const missing = operations.filter(({ op }) => {
      const ok = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (ok.length === 0) return true;
      return ok.some(([status, r]) => status !== '204' && !Object.values(r.content ?? {}).some((c) => c.schema));
    });
    expect(missing.map((o) => `${o.method} ${o.path}`)).toEqual([]);
  });

  it('answers public routes without a token and asks for a bearer token everywhere else, with 401 and 403', () => {
    const wrong: string[] = [];
    for (const r of routes) {
      const { op } = operations.find((o) => o.method === r.method && o.path === openApiPath(r.path))!;
      const isPublic = !!r.access && 'public' in r.access;
      if (isPublic && op.security?.length)
        wrong.push(`${r.method} ${r.path} is public, but documented with ${JSON.stringify(op.security)}`);
      if (!isPublic) {
        if (JSON.stringify(op.security) !== JSON.stringify([{ bearer: [] }]))
          wrong.push(`${r.method} ${r.path} needs a token, but is documented with ${JSON.stringify(op.security)}`);
        if (!op.responses['401'] || !op.responses['403']) wrong.push(`${r.method} ${r.path} does not document 401 and 403`);
      }
    }
    expect(wrong).toEqual([]);
    // the ones a new user tries first
    for (const path of [
      '/api/v1/municipalities',
      '/api/v1/municipalities/{number}',
      '/api/v1/organisations',
      '/health/ready',
      '/api/v1/auth/login',
    ])
      expect(Object.values(doc.paths[path]).every((op) => !op.security?.length)).toBe(true);
  });

  it('describes every error response as problem details', () => {
    const wrong: string[] = [];
    for (const { method, path, op } of operations)
      for (const [status, r] of Object.entries(op.responses))
        if (/^[45]/.test(status) && r.content?.['application/problem+json']?.schema?.$ref !== '#/components/schemas/ProblemDetailsDto')
          wrong.push(`${method} ${path} ${status}`);
    expect(wrong).toEqual([]);
  });

  describe('real responses conform to their documented schemas', () => {
    const checked = new Set<string>();

    /** The documented response of this status for this request, and the body held to its schema. */
    const conforms = (answer: SupertestResponse) => {
      const res = answer as Response;
      const method = res.req.method;
      const found = operationFor(doc, method, res.req.path);
      expect(found && `${method} ${found.template}`).toBeTruthy();
      const documented = found!.operation.responses[String(res.status)];
      if (!documented)
        throw new Error(`${method} ${res.req.path} answered ${res.status}, which is not documented: ${JSON.stringify(res.body)}`);
      checked.add(`${method} ${found!.template} ${res.status}`);
      if (res.status === 204) return res;
      const [type, media] = Object.entries(documented.content ?? {})[0] ?? [];
      if (!media?.schema || type === 'application/octet-stream') return res;
      expect({
        at: `${method} ${res.req.path} ${res.status}`,
        errors: schemaErrors(doc, media.schema, res.body, '$', res.status < 400),
      }).toEqual({
        at: `${method} ${res.req.path} ${res.status}`,
        errors: [],
      });
      return res;
    };

    it('for a new user’s first steps: public reference data, sign-in and who am I', async () => {
      conforms(await t.http().get('/health/live').expect(200));
      conforms(await t.http().get('/health/ready').expect(200));
      conforms(await t.http().get('/api/v1/municipalities').query({ helseregion: 'Helse Vest', limit: 3 }).expect(200));
      conforms(await t.http().get('/api/v1/municipalities/4601').expect(200));
      conforms(await t.http().get('/api/v1/municipalities/9999').expect(404));
      const orgs = conforms(await t.http().get('/api/v1/organisations').query({ kind: 'HEALTH_TRUST', limit: 2 }).expect(200));
      conforms(await t.http().get(`/api/v1/organisations/${orgs.body.items[0].id}`).expect(200));
      const login = conforms(
        await t.http().post('/api/v1/auth/login').send({ email: 'officer@demo.local', password: DEFAULT_DEMO_PASSWORD }).expect(200),
      );
      conforms(await t.http().post('/api/v1/auth/login').send({ email: 'officer@demo.local', password: 'wrong-password' }).expect(401));
      conforms(await t.http().post('/api/v1/auth/refresh').send({ refreshToken: login.body.refreshToken }).expect(200));
      conforms(await t.http().get('/api/v1/me').set(t.auth('applicant')).expect(200));
      conforms(await t.http().get('/api/v1/me').expect(401));
      conforms(await t.http().get('/api/v1/users').set(t.auth('applicant')).expect(403));
    });

    it('for identity, API tokens, audit and notifications', async () => {
      const users = conforms(await t.http().get('/api/v1/users').query({ limit: 2 }).set(t.auth('admin')).expect(200));
      conforms(await t.http().get(`/api/v1/users/${users.body.items[0].id}`).set(t.auth('admin')).expect(200));
      const org = (await t.http().get('/api/v1/municipalities/0301').expect(200)).body;
      const oslo = (await t.http().get('/api/v1/organisations').query({ q: org.name, kind: 'MUNICIPALITY' }).expect(200)).body.items[0];
      conforms(
        await t
          .http()
          .post('/api/v1/users')
          .set(t.auth('admin'))
          .send({ email: 'ny.soker@oslo.kommune.no', displayName: 'Ny Søker', roles: ['applicant'], organisationIds: [oslo.id] })
          .expect(201),
      );
      conforms(
        await t
          .http()
          .post('/api/v1/api-tokens')
          .set(t.auth('evaluator'))
          .send({ name: 'openapi', scopes: ['insights:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
          .expect(201),
      );
      conforms(await t.http().get('/api/v1/api-tokens').set(t.auth('evaluator')).expect(200));
      conforms(await t.http().get('/api/v1/audit').query({ limit: 5 }).set(t.auth('auditor')).expect(200));
      conforms(await t.http().get('/api/v1/audit/verify').set(t.auth('auditor')).expect(200));
      const test = conforms(
        await t.http().post('/api/v1/notifications/test').set(t.auth('admin')).send({ email: 'drift@example.no' }).expect(202),
      );
      conforms(await t.http().get(`/api/v1/notifications/${test.body.id}`).set(t.auth('admin')).expect(200));
      conforms(await t.http().get('/api/v1/notifications').query({ limit: 5 }).set(t.auth('admin')).expect(200));
      conforms(await t.http().get('/api/v1/me/notifications').set(t.auth('admin')).expect(200));
      conforms(await t.http().get('/api/v1/me/notification-preferences').set(t.auth('applicant')).expect(200));
      conforms(await t.http().patch('/api/v1/me/notification-preferences').set(t.auth('applicant')).send({ digest: false }).expect(200));
    });

    it('for calls, the scheme, consortia and an application from draft to formal check', async () => {
      conforms(await t.http().get('/api/v1/schemes').set(t.auth('applicant')).expect(200));
      conforms(await t.http().get('/api/v1/technology-areas').set(t.auth('applicant')).expect(200));
      conforms(await t.http().get('/api/v1/direct-allocations').set(t.auth('officer')).expect(200));
      const call = await createCall(t);
      conforms(await t.http().get('/api/v1/calls').query({ limit: 2 }).set(t.auth('applicant')).expect(200));
      conforms(await t.http().get(`/api/v1/calls/${call.id}`).set(t.auth('applicant')).expect(200));

      const [lead, member, byLetter, leaving] = (await MunicipalityPool.create(t)).take(4);
      const consortium = conforms(
        await t
          .http()
          .post('/api/v1/consortia')
          .set(t.auth('officer'))
          .send({ name: 'Dokumentasjonssamarbeidet', leadMunicipality: lead, members: [lead, member, byLetter, leaving] })
          .expect(201),
      );
      // the members' consent: confirmed by their own applicants, a leave, and another member's consent refused
      const memberId = (n: string) =>
        consortium.body.members.find((m: { municipalityNumber: string }) => m.municipalityNumber === n).organisationId;
      const memberUrl = (n: string) => `/api/v1/consortia/${consortium.body.id}/members/${memberId(n)}`;
      const own = async (n: string) => (await applicantFor(t, n)).auth;
      for (const n of [lead, member])
        conforms(
          await t
            .http()
            .post(`${memberUrl(n)}/confirm`)
            .set(await own(n))
            .expect(200),
        );
      conforms(
        await t
          .http()
          .post(`${memberUrl(leaving)}/leave`)
          .set(await own(leaving))
          .expect(204),
      );
      conforms(
        await t
          .http()
          .post(`${memberUrl(byLetter)}/confirm`)
          .set(await own(member))
          .expect(403),
      );
      conforms(await t.http().get('/api/v1/consortia').query({ limit: 2 }).set(t.auth('officer')).expect(200));
      conforms(await t.http().get(`/api/v1/consortia/${consortium.body.id}`).set(t.auth('officer')).expect(200));
      conforms(await t.http().post('/api/v1/consortia').set(t.auth('officer')).send({ name: 'x' }).expect(400));

      const applicant = await t.tokenForUser(
        (
          await t.dataSource.query(
            `INSERT INTO app_user (email, display_name, roles) VALUES ('doc.soker@test.local', 'Doc', ARRAY['applicant']) RETURNING id`,
          )
        )[0].id,
      );
      await t.dataSource.query(
        `INSERT INTO user_organisation (user_id, organisation_id) SELECT u.id, o.id FROM app_user u, organisation o
          WHERE u.email = 'doc.soker@test.local' AND o.municipality_number = $1`,
        [lead],
      );
      const auth = { Authorization: `Bearer ${applicant}` };
      const draft = conforms(
        await t
          .http()
          .post('/api/v1/applications')
          .set(auth)
          .send(completeDraft(call.id, consortium.body.id, call.measureCode))
          .expect(201),
      );
      const id = draft.body.id;
      conforms(await t.http().patch(`/api/v1/applications/${id}`).set(auth).send({ purpose: 'Bedre samhandling.' }).expect(200));
      const file = conforms(
        await t.http().post(`/api/v1/applications/${id}/attachments`).set(auth).attach('file', pdfBytes(), 'plan.pdf').expect(201),
      );
      conforms(await t.http().get(`/api/v1/applications/${id}/attachments/${file.body.id}`).set(auth).expect(200));
      conforms(
        await t
          .http()
          .post(`${memberUrl(byLetter)}/letter-of-intent`)
          .set(auth)
          .send({ attachmentId: file.body.id })
          .expect(200),
      );
      conforms(await t.http().get(`/api/v1/applications/${id}/validation`).set(auth).expect(200));
      const submitted = conforms(await t.http().post(`/api/v1/applications/${id}/submit`).set(auth).expect(200));
      conforms(await t.http().get(`/api/v1/applications/${id}`).set(auth).expect(200));
      conforms(await t.http().get('/api/v1/applications').query({ limit: 2 }).set(t.auth('officer')).expect(200));
      conforms(await t.http().get(`/api/v1/applications/${id}/versions`).set(auth).expect(200));
      conforms(await t.http().get(`/api/v1/applications/${id}/versions/1`).set(auth).expect(200));
      conforms(
        await t
          .http()
          .get(`/api/v1/cases/${encodeURIComponent(submitted.body.caseNumber)}/journal`)
          .set(t.auth('officer'))
          .expect(200),
      );
      conforms(
        await t
          .http()
          .post(`${memberUrl(byLetter)}/letter-of-intent/accept`)
          .set(t.auth('officer'))
          .expect(200),
      );
      conforms(
        await t
          .http()
          .post(`${memberUrl(byLetter)}/letter-of-intent/accept`)
          .set(t.auth('officer'))
          .expect(409),
      );
      conforms(
        await t.http().post(`/api/v1/applications/${id}/formal-check`).set(t.auth('officer')).send({ outcome: 'eligible' }).expect(200),
      );
      conforms(await t.http().post(`/api/v1/applications/${id}/submit`).set(auth).expect(409));
      conforms(await t.http().get(`/api/v1/applications/${id}`).set(t.auth('applicant2')).expect(404));
    });

    it('for an assessment: assignment, declaration, scores, completion, peer scores and a reopened round', async () => {
      const pool = await MunicipalityPool.create(t);
      const { application, call } = await submittedApplication(t, { pool, members: pool.take(6).slice(4) });
      conforms(
        await t
          .http()
          .post(`/api/v1/applications/${application.id}/formal-check`)
          .set(t.auth('officer'))
          .send({ outcome: 'eligible' })
          .expect(200),
      );
      const scores = ['BEHOV_FORANKRING', 'BREDDE', 'STANDARDER', 'GJENNOMFORING', 'GEVINST', 'DELING'].map((criterion, i) =>
        i === 5 ? { criterion, notApplicable: true, rationale: 'Ikke relevant her' } : { criterion, score: 5, rationale: 'Begrunnet' },
      );
      const ids: string[] = [];
      // the first assessor by the call's bulk assignment, the second one by one
      const bulk = conforms(
        await t
          .http()
          .post(`/api/v1/calls/${call.id}/assignments`)
          .set(t.auth('officer'))
          .send({ assessorIds: [t.userIds.assessor], perApplication: 1 })
          .expect(201),
      );
      expect(bulk.body.assigned).toHaveLength(1);
      for (const role of ['assessor', 'assessor2'] as const) {
        const id: string =
          role === 'assessor'
            ? bulk.body.assigned[0].assignmentId
            : conforms(
                await t
                  .http()
                  .post(`/api/v1/applications/${application.id}/assignments`)
                  .set(t.auth('officer'))
                  .send({ assessorId: t.userIds[role] })
                  .expect(201),
              ).body.id;
        const url = `/api/v1/assignments/${id}`;
        ids.push(id);
        conforms(await t.http().get(`${url}/scores`).set(t.auth(role)).expect(403));
        conforms(await t.http().post(`${url}/declaration`).set(t.auth(role)).send({ conflict: false }).expect(200));
        conforms(await t.http().get(`${url}/scores`).set(t.auth(role)).expect(200));
        conforms(
          await t
            .http()
            .put(`${url}/scores`)
            .set(t.auth(role))
            .send({ scores: scores.slice(0, 2) })
            .expect(200),
        );
        conforms(await t.http().put(`${url}/scores`).set(t.auth(role)).send({ scores }).expect(200));
        conforms(await t.http().get(`${url}/scores`).set(t.auth(role)).expect(200));
        conforms(
          await t.http().post(`${url}/complete`).set(t.auth(role)).send({ recommendation: 'FUND', comment: 'Godt begrunnet.' }).expect(200),
        );
      }
      conforms(await t.http().get(`/api/v1/assignments/${ids[1]}/peer-scores`).set(t.auth('assessor2')).expect(200));
      conforms(
        await t
          .http()
          .post(`/api/v1/assignments/${ids[0]}/reopen`)
          .set(t.auth('officer'))
          .send({ reason: 'Feil i grunnlaget' })
          .expect(200),
      );
      conforms(await t.http().get(`/api/v1/assignments/${ids[0]}/history`).set(t.auth('assessor')).expect(200));
      conforms(await t.http().get(`/api/v1/assignments/${ids[0]}/peer-scores`).set(t.auth('assessor')).expect(403));
      const officer = t.auth('officer');
      conforms(await t.http().get(`/api/v1/applications/${application.id}/assessment`).set(officer).expect(200));
      conforms(await t.http().get(`/api/v1/calls/${call.id}/ranking`).set(officer).expect(200));
      conforms(
        await t
          .http()
          .post(`/api/v1/applications/${application.id}/moderation`)
          .set(officer)
          .send({ scores: scores.map((x) => ({ ...x, rationale: 'Enighet i moderering' })), note: 'Avklart' })
          .expect(200),
      );
      conforms(await t.http().post(`/api/v1/applications/${application.id}/moderation`).set(officer).send({ scores: [] }).expect(400));
      conforms(await t.http().get(`/api/v1/calls/${call.id}/ranking`).set(officer).expect(200));
      const proposal = conforms(await t.http().post(`/api/v1/calls/${call.id}/allocation-proposals`).set(officer).expect(201));
      conforms(await t.http().get(`/api/v1/allocation-proposals/${proposal.body.id}`).set(officer).expect(200));
      conforms(
        await t
          .http()
          .post(`/api/v1/allocation-proposals/${proposal.body.id}/adjustments`)
          .set(officer)
          .send({ lines: [{ applicationId: application.id, amountOre: 0, reason: 'Avventer ny vurdering' }] })
          .expect(201),
      );
      conforms(await t.http().get(`/api/v1/calls/${call.id}/allocation-proposals`).set(officer).expect(200));
    });

    it('covered a good share of the operations', () => {
      const ops = new Set([...checked].filter((c) => /\s2\d\d$/.test(c)).map((c) => c.replace(/\s\d+$/, '')));
      expect(ops.size).toBeGreaterThanOrEqual(40);
    });
  });
});
