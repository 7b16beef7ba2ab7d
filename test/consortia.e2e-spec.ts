import { createTestApp, TestApp } from './support/app';

describe('consortia (kommunesamarbeid)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const count = async () => Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM consortium`))[0].n);
  const memberRows = async () => Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM consortium_member`))[0].n);

  it('creates a consortium with a lead and members; the applicant sees it', async () => {
    const res = await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('applicant'))
      .send({ name: 'Nordhordland-samarbeidet', leadMunicipality: '4601', members: ['4601', '4631', '4630'] })
      .expect(201);
    expect(res.body).toMatchObject({ name: 'Nordhordland-samarbeidet', leadMunicipality: '4601', municipalityCount: 3 });
    expect(res.body.members.find((m: { lead: boolean }) => m.lead).municipalityNumber).toBe('4601');
    const got = await t.http().get(`/api/v1/consortia/${res.body.id}`).set(t.auth('applicant')).expect(200);
    expect(got.body.members).toHaveLength(3);
  });

  it('adds a health trust as optional member', async () => {
    const trusts = await t.http().get('/api/v1/organisations').query({ kind: 'HEALTH_TRUST', q: 'Helse Bergen' }).expect(200);
    const res = await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('officer'))
      .send({ name: 'Bergen og omland', leadMunicipality: '4601', members: ['4601', '4624'], healthTrusts: [trusts.body.items[0].id] })
      .expect(201);
    expect(res.body.members.map((m: { kind: string }) => m.kind).sort()).toEqual(['HEALTH_TRUST', 'MUNICIPALITY', 'MUNICIPALITY']);
    expect(res.body.municipalityCount).toBe(2);
  });

  it.each([
    ['an unknown kommunenummer', { leadMunicipality: '4601', members: ['4601', '9999'] }, 'members[1]', 'UNKNOWN_MUNICIPALITY'],
    ['a lead that is not a member', { leadMunicipality: '0301', members: ['4601', '4631'] }, 'leadMunicipality', 'LEAD_NOT_MEMBER'],
    ['a duplicate member', { leadMunicipality: '4601', members: ['4601', '4631', '4631'] }, 'members[2]', 'DUPLICATE_MEMBER'],
    ['a malformed number', { leadMunicipality: '4601', members: ['4601', '46x1'] }, 'members', 'MATCHES'],
    ['a single municipality', { leadMunicipality: '4601', members: ['4601'] }, 'members', 'ARRAY_MIN_SIZE'],
  ])('refuses %s with 400 naming the field, writing nothing', async (_label, body, field, code) => {
    const before = [await count(), await memberRows()];
    const res = await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('applicant'))
      .send({ name: 'Ugyldig', ...body })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code })]));
    expect([await count(), await memberRows()]).toEqual(before);
  });

  it('refuses unknown fields and a health trust id that is not one', async () => {
    const res = await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('applicant'))
      .send({ name: 'X', leadMunicipality: '4601', members: ['4601', '4631'], budget: 1 })
      .expect(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'budget', code: 'UNKNOWN_FIELD' })]));
    const ks = await t.http().get('/api/v1/organisations').query({ kind: 'KS' }).expect(200);
    const notTrust = await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('applicant'))
      .send({ name: 'Med KS', leadMunicipality: '4601', members: ['4601', '4631'], healthTrusts: [ks.body.items[0].id] })
      .expect(400);
    expect(notTrust.body.errors[0]).toMatchObject({ field: 'healthTrusts[0]', code: 'NOT_A_HEALTH_TRUST' });
  });

  it('an applicant cannot create a consortium its own organisation is not in', async () => {
    const res = await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('applicant'))
      .send({ name: 'Oslo uten Bergen', leadMunicipality: '0301', members: ['0301', '3201'] })
      .expect(403);
    expect(res.body.code).toBe('NOT_YOUR_CONSORTIUM');
  });

  it("an applicant sees only its own consortia; another's is 404", async () => {
    const bergen = await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('applicant'))
      .send({ name: 'Vestlandsalliansen', leadMunicipality: '4601', members: ['4601', '4626'] })
      .expect(201);
    const oslo = await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('applicant2'))
      .send({ name: 'Osloregionen', leadMunicipality: '0301', members: ['0301', '3201', '3203'] })
      .expect(201);

    await t.http().get(`/api/v1/consortia/${oslo.body.id}`).set(t.auth('applicant')).expect(404);
    await t.http().patch(`/api/v1/consortia/${oslo.body.id}`).set(t.auth('applicant')).send({ name: 'Kapret' }).expect(404);
    const mine = await t.http().get('/api/v1/consortia').set(t.auth('applicant2')).expect(200);
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([oslo.body.id]);
    const all = await t.http().get('/api/v1/consortia').query({ limit: 100 }).set(t.auth('officer')).expect(200);
    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([bergen.body.id, oslo.body.id]));
  });

  it('PATCH replaces members and validates like create; an officer may change any consortium', async () => {
    const c = await t
      .http()
      .post('/api/v1/consortia')
      .set(t.auth('applicant'))
      .send({ name: 'Midtre Hordaland', leadMunicipality: '4601', members: ['4601', '4627'] })
      .expect(201);
    const upd = await t
      .http()
      .patch(`/api/v1/consortia/${c.body.id}`)
      .set(t.auth('applicant'))
      .send({ members: ['4601', '4627', '4628'], name: 'Midtre Hordaland og Vaksdal' })
      .expect(200);
    expect(upd.body).toMatchObject({ name: 'Midtre Hordaland og Vaksdal', municipalityCount: 3, version: 2 });
    const bad = await t
      .http()
      .patch(`/api/v1/consortia/${c.body.id}`)
      .set(t.auth('applicant'))
      .send({ leadMunicipality: '4627', members: ['4601', '4628'] })
      .expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'leadMunicipality', code: 'LEAD_NOT_MEMBER' });
    const still = await t.http().get(`/api/v1/consortia/${c.body.id}`).set(t.auth('officer')).expect(200);
    expect(still.body.municipalityCount).toBe(3);
    await t.http().patch(`/api/v1/consortia/${c.body.id}`).set(t.auth('officer')).send({ leadMunicipality: '4627' }).expect(200);
  });

  it('pages through consortia one at a time without repeating or skipping any', async () => {
    for (const member of ['1101', '1103', '1106']) {
      await t
        .http()
        .post('/api/v1/consortia')
        .set(t.auth('officer'))
        .send({ name: `Rogaland ${member}`, leadMunicipality: '1108', members: ['1108', member] })
        .expect(201);
    }
    const all = await t.http().get('/api/v1/consortia').query({ limit: 100 }).set(t.auth('officer')).expect(200);
    expect(all.body.items.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t
        .http()
        .get('/api/v1/consortia')
        .query({ limit: 1, ...(cursor ? { cursor } : {}) })
        .set(t.auth('officer'))
        .expect(200);
      seen.push(...page.body.items.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor && seen.length <= all.body.items.length);
    expect(seen).toEqual(all.body.items.map((c: { id: string }) => c.id));
  });

  it('requires sign-in and the right role', async () => {
    await t.http().get('/api/v1/consortia').expect(401);
    await t.http().post('/api/v1/consortia').set(t.auth('assessor')).send({}).expect(403);
  });
});
