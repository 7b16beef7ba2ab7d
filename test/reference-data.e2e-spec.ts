import { createTestApp, TestApp } from './support/app';

describe('reference data: municipalities and organisations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lists the 65 municipalities of Helse Midt-Norge', async () => {
    const res = await t.http().get('/api/v1/municipalities').query({ helseregion: 'Helse Midt-Norge', limit: 100 }).expect(200);
    expect(res.body.items).toHaveLength(65);
    expect(res.body.nextCursor).toBeNull();
    expect(new Set(res.body.items.map((m: { healthRegion: string }) => m.healthRegion))).toEqual(new Set(['Helse Midt-Norge']));
    expect(res.body.items.map((m: { number: string }) => m.number)).toContain('5001'); // Trondheim
  });

  it('returns Bergen with its population and written language', async () => {
    const res = await t.http().get('/api/v1/municipalities/4601').expect(200);
    expect(res.body).toMatchObject({
      number: '4601',
      name: 'Bergen',
      county: 'Vestland',
      healthRegion: 'Helse Vest',
      population: 291940,
      writtenLanguage: 'Nøytral',
      language: 'nb',
    });
    const volda = await t.http().get('/api/v1/municipalities/1577').expect(200);
    expect(volda.body).toMatchObject({ name: 'Volda', writtenLanguage: 'Nynorsk', language: 'nn' });
  });

  it('walks all 357 municipalities page by page with the cursor, population 5,550,203', async () => {
    const seen: Array<{ number: string; population: number }> = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: typeof seen; nextCursor: string | null } } = await t
        .http()
        .get('/api/v1/municipalities')
        .query({ limit: 100, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(357);
    expect(new Set(seen.map((m) => m.number)).size).toBe(357);
    expect(seen.reduce((s, m) => s + m.population, 0)).toBe(5550203);
  });

  it('filters by fylke and by free text', async () => {
    const vestland = await t.http().get('/api/v1/municipalities').query({ fylke: 'Vestland', limit: 100 }).expect(200);
    expect(vestland.body.items.length).toBe(43);
    const q = await t.http().get('/api/v1/municipalities').query({ q: 'kvinesdal' }).expect(200);
    expect(q.body.items.map((m: { number: string }) => m.number)).toEqual(['4227']);
  });

  it('answers bad input with problem details, unknown numbers with 404', async () => {
    const bad = await t.http().get('/api/v1/municipalities').query({ limit: 1000 }).expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(bad.body.errors[0]).toMatchObject({ field: 'limit' });
    const unknownRegion = await t.http().get('/api/v1/municipalities').query({ helseregion: 'Helse Mars' }).expect(400);
    expect(unknownRegion.body.errors[0].field).toBe('helseregion');
    const cursor = await t.http().get('/api/v1/municipalities').query({ cursor: 'not-a-cursor' }).expect(400);
    expect(cursor.body.errors[0]).toMatchObject({ field: 'cursor', code: 'INVALID_CURSOR' });
    const missing = await t.http().get('/api/v1/municipalities/9999').expect(404);
    expect(missing.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('lists organisations: municipalities, health trusts, KS and the ministry', async () => {
    const trusts = await t.http().get('/api/v1/organisations').query({ kind: 'HEALTH_TRUST', limit: 100 }).expect(200);
    expect(trusts.body.items.length).toBe(19);
    const ks = await t.http().get('/api/v1/organisations').query({ kind: 'KS' }).expect(200);
    expect(ks.body.items).toHaveLength(1);
    const one = await t.http().get(`/api/v1/organisations/${ks.body.items[0].id}`).expect(200);
    expect(one.body.kind).toBe('KS');
    await t.http().get('/api/v1/organisations/00000000-0000-0000-0000-000000000000').expect(404);
    await t.http().get('/api/v1/organisations/not-a-uuid').expect(404);
  });

  it('lists the ministry (HOD) once among the organisations, as a MINISTRY outside any municipality or region', async () => {
    const hod = { kind: 'MINISTRY', name: 'Helse- og omsorgsdepartementet', orgNumber: null, municipalityNumber: null, healthRegion: null };
    const ministries = await t.http().get('/api/v1/organisations').query({ kind: 'MINISTRY' }).expect(200);
    expect(ministries.body.items).toEqual([{ id: expect.any(String), createdAt: expect.any(String), ...hod }]);
    const { id } = ministries.body.items[0];

    // the unfiltered list has it too, exactly once among all 379 (357 municipalities, 19 trusts, KS, HOD, the directorate)
    const all: Array<{ id: string; kind: string; name: string }> = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: typeof all; nextCursor: string | null } } = await t
        .http()
        .get('/api/v1/organisations')
        .query({ limit: 100, ...(cursor ? { cursor } : {}) })
        .expect(200);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(379);
    expect(all.filter((o) => o.name === 'Helse- og omsorgsdepartementet')).toEqual([expect.objectContaining({ id, ...hod })]);
    expect(all.filter((o) => o.kind === 'MINISTRY').map((o) => o.id)).toEqual([id]);

    const found = await t.http().get('/api/v1/organisations').query({ q: 'omsorgsdepartement' }).expect(200);
    expect(found.body.items.map((o: { id: string }) => o.id)).toEqual([id]);
    expect((await t.http().get(`/api/v1/organisations/${id}`).expect(200)).body).toMatchObject(hod);
  });
});
