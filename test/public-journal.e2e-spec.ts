import { DEMO_USERS } from '../src/identity/demo-seed';
import { createTestApp, TestApp } from './support/app';
import { MunicipalityPool } from './support/fixtures';
import { activeGrant } from './support/payments';

/** Issue 15: the public journal (offentlig journal) and the grants awarded, without signing in. */
describe('public journal and grants awarded', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  let g: Awaited<ReturnType<typeof activeGrant>>;
  let caseNumber: string;
  const LIMIT = 25;
  let address = 1;
  /** Each test calls from its own client address (loopback proxies are trusted), so none spends another's limit. */
  const from = () => ({ 'X-Forwarded-For': `198.51.100.${address}` });
  const journal = (query: string, headers = from()) => t.http().get(`/api/v1/public/journal${query}`).set(headers);

  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
    g = await activeGrant(t, { pool, requestedOre: 90_000_000 });
    caseNumber = g.application.caseNumber;
  });
  afterAll(() => t.close());
  beforeEach(() => address++);

  const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());
  type Entry = Record<string, any> & { caseNumber: string };
  const ofCase = (items: Entry[]) => items.filter((e) => e.caseNumber === caseNumber);

  async function allPages(query: string) {
    const items: Entry[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Entry[]; nextCursor: string | null } } = await journal(
        `${query}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  it("lists a case's entries of today without a token: organisation-level facts, screened titles", async () => {
    const entries = ofCase(await allPages(`?from=${today()}&to=${today()}`));
    const types = entries.map((e) => e.documentType);
    expect(types).toEqual(expect.arrayContaining(['SOKNAD', 'FORMALIA', 'VEDTAK', 'AKSEPT']));
    const submission = entries.find((e) => e.documentType === 'SOKNAD')!;
    expect(submission).toEqual({
      caseNumber,
      entryNumber: `${caseNumber}-1`,
      journalDate: today(),
      direction: 'I',
      documentType: 'SOKNAD',
      title: expect.stringMatching(/^Søknad: /),
      counterpart: g.consortium.name,
      exemption: null,
    });
    // the acceptance's title names who signed; the public journal cuts it
    const acceptance = entries.find((e) => e.documentType === 'AKSEPT')!;
    expect(acceptance.title).toBe('Aksept av tilsagn, elektronisk');
    const staff = await t.http().get(`/api/v1/cases/${caseNumber}/journal`).set(t.auth('officer')).expect(200);
    expect(staff.body.entries.find((e: { documentType: string }) => e.documentType === 'AKSEPT').title).toContain('Kari Nordmann');
  });

  it('filters by Oslo dates, and pages with a cursor', async () => {
    // three entries on known dates: 2020-01-31 23:30 UTC is 1 February in Oslo
    const at = ['2020-01-31T22:59:00Z', '2020-01-31T23:30:00Z', '2020-02-03T10:00:00Z'];
    for (const [i, when] of at.entries()) {
      await t.dataSource.query(
        `INSERT INTO journal_entry (case_number, seq, direction, document_type, title, counterpart, registered_at)
         VALUES ($1, $2, 'N', 'NOTAT', $3, NULL, $4)`,
        [caseNumber, 900 + i, `Notat ${i}`, when],
      );
    }
    const notes = async (q: string) => ofCase((await journal(q).expect(200)).body.items).map((e) => e.title);
    expect(await notes('?from=2020-01-31&to=2020-01-31')).toEqual(['Notat 0']);
    expect(await notes('?from=2020-02-01&to=2020-02-02')).toEqual(['Notat 1']);
    expect(await notes('?from=2020-01-01&to=2020-12-31')).toEqual(['Notat 0', 'Notat 1', 'Notat 2']);
    expect(await notes('?to=2020-02-02')).toEqual(['Notat 0', 'Notat 1']);

    const first = await journal('?from=2020-01-01&to=2020-12-31&limit=2').expect(200);
    expect(first.body.items.map((e: { entryNumber: string }) => e.entryNumber)).toEqual([`${caseNumber}-900`, `${caseNumber}-901`]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await journal(`?from=2020-01-01&to=2020-12-31&limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((e: { entryNumber: string }) => e.entryNumber)).toEqual([`${caseNumber}-902`]);
    expect(second.body.nextCursor).toBeNull();

    const reversed = await journal('?from=2020-02-02&to=2020-02-01').expect(400);
    expect(reversed.body.errors[0]).toMatchObject({ field: 'to', code: 'DATE_RANGE_REVERSED' });
    await journal('?from=2020-02-30').expect(400);
    await journal('?cursor=bm9wZQ').expect(400);
  });

  it('an officer marks an entry, or only its title, exempt with its legal basis: screened publicly, audited, liftable', async () => {
    const basis = 'offentleglova § 13 jf. forvaltningsloven § 13';
    const [year, number] = caseNumber.split('/');
    const url = (seq: number) => `/api/v1/cases/${year}/${number}/journal/${seq}/exemption`;
    // only the officer who processes cases; an applicant and an evaluator may not
    await t.http().put(url(1)).set(g.applicant.auth).send({ scope: 'ENTRY', legalBasis: basis }).expect(403);
    await t.http().put(url(1)).set(t.auth('evaluator')).send({ scope: 'ENTRY', legalBasis: basis }).expect(403);
    await t.http().put(url(9999)).set(t.auth('officer')).send({ scope: 'ENTRY', legalBasis: basis }).expect(404);
    await t.http().put(url(1)).set(t.auth('officer')).send({ scope: 'ENTRY', legalBasis: ' ' }).expect(400);
    await t.http().put(url(1)).set(t.auth('officer')).send({ scope: 'ENTRY', legalBasis: basis, publicTitle: 'x' }).expect(400);

    const marked = await t.http().put(url(1)).set(t.auth('officer')).send({ scope: 'ENTRY', legalBasis: basis }).expect(200);
    expect(marked.body).toMatchObject({ entryNumber: `${caseNumber}-1`, scope: 'ENTRY', legalBasis: basis, publicTitle: null });
    await t
      .http()
      .put(url(2))
      .set(t.auth('officer'))
      .send({ scope: 'TITLE', legalBasis: 'offentleglova § 24 andre ledd', publicTitle: 'Formalia: *****' })
      .expect(200);

    let entries = ofCase(await allPages(`?from=${today()}&to=${today()}`));
    expect(entries.find((e) => e.entryNumber === `${caseNumber}-1`)).toMatchObject({
      title: '*****',
      counterpart: null,
      exemption: { scope: 'ENTRY', legalBasis: basis },
    });
    expect(entries.find((e) => e.entryNumber === `${caseNumber}-2`)).toMatchObject({
      title: 'Formalia: *****',
      exemption: { scope: 'TITLE', legalBasis: 'offentleglova § 24 andre ledd' },
    });
    // the case's own journal (staff) still has the title
    const staff = await t.http().get(`/api/v1/cases/${caseNumber}/journal`).set(t.auth('officer')).expect(200);
    expect(staff.body.entries[0].title).toMatch(/^Søknad: /);

    const audit = await t.dataSource.query(
      `SELECT action, actor_user_id FROM audit_event WHERE entity_type = 'journal_entry' AND entity_id = $1 ORDER BY seq`,
      [`${caseNumber}-1`],
    );
    expect(audit).toEqual([{ action: 'journal.exempt', actor_user_id: t.userIds.officer }]);

    await t.http().delete(url(1)).set(t.auth('officer')).expect(204);
    await t.http().delete(url(1)).set(t.auth('officer')).expect(404);
    entries = ofCase(await allPages(`?from=${today()}&to=${today()}`));
    expect(entries.find((e) => e.entryNumber === `${caseNumber}-1`)).toMatchObject({ exemption: null, counterpart: g.consortium.name });
  });

  it('lists the grants awarded: consortium, members, amount, call, decision date', async () => {
    const items: Entry[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Entry[]; nextCursor: string | null } } = await t
        .http()
        .get(`/api/v1/public/grants?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
        .set(from())
        .expect(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    const grant = items.find((x) => x.caseNumber === caseNumber);
    expect(grant).toEqual({
      caseNumber,
      consortium: g.consortium.name,
      members: expect.any(Array),
      amountOre: 90_000_000,
      call: g.call.title.nb,
      measureCode: g.call.measureCode,
      decisionDate: today(),
      status: 'ACTIVE',
    });
    expect(grant!.members.map((m: { municipalityNumber: string }) => m.municipalityNumber)).toEqual(
      g.consortium.members.map((m) => m.municipalityNumber),
    );
    expect(grant!.members[0].role).toBe('LEAD');
  });

  it("never shows a person's name or e-mail address", async () => {
    const journalBody = JSON.stringify(await allPages('?from=2000-01-01'));
    const grantsBody = JSON.stringify((await t.http().get('/api/v1/public/grants?limit=100').set(from()).expect(200)).body);
    const people: Array<{ name: string | null; email: string | null }> = [
      ...(await t.dataSource.query(`SELECT display_name AS name, email FROM app_user`)),
      ...(await t.dataSource.query(`SELECT name, email FROM application_contact`)),
      ...(await t.dataSource.query(`SELECT accepted_by_name AS name, NULL AS email FROM grant_award`)),
      ...DEMO_USERS.map((u) => ({ name: u.name, email: u.email })),
    ];
    const words = people.flatMap((p) => [p.name, p.email]).filter((w): w is string => !!w && w.length > 3);
    expect(words).toEqual(expect.arrayContaining(['Kari Nordmann', 'Kari Kontakt', 'Siri Saksbehandler', 'officer@demo.local']));
    for (const body of [journalBody, grantsBody]) {
      expect(body).toContain(caseNumber);
      expect(words.filter((w) => body.includes(w))).toEqual([]);
    }
  });

  it('answers with Cache-Control and an ETag, and 304 to a matching If-None-Match', async () => {
    for (const path of ['/api/v1/public/journal?from=2020-01-01&to=2020-12-31', '/api/v1/public/grants']) {
      const first = await t.http().get(path).set(from()).expect(200);
      expect(first.headers['cache-control']).toBe('public, max-age=60');
      expect(first.headers.etag).toEqual(expect.any(String));
      await t.http().get(path).set(from()).set('If-None-Match', first.headers.etag).expect(304);
    }
  });

  it('limits requests per client address: 429 problem details with Retry-After past the limit', async () => {
    for (let i = 0; i < LIMIT; i++) await t.http().get('/api/v1/public/grants').set(from()).expect(200);
    const refused = await t.http().get('/api/v1/public/journal').set(from()).expect(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // another address is not affected
    address++;
    await t.http().get('/api/v1/public/journal').set(from()).expect(200);
  });
});
