import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Parser } from 'htmlparser2';
import { formatKroner } from '../src/common/money';
import { createTestApp, TestApp } from './support/app';
import { bearer } from './support/auth';
import { proposedDecision } from './support/decisions';
import { Auth, createCall, MunicipalityPool, setClock, submittedApplication, THIS_YEAR } from './support/fixtures';
import { OpenApiDocument, operationFor, schemaErrors } from './support/openapi';
import { pay, tranchesOf, validAccount, validOrganisationNumber } from './support/payments';
import { approvedIndicators, grantReports, progressReportBody } from './support/reports';

/**
 * Issue 15: the evaluators' insights against a small data set built by hand through the API, whose figures are
 * worked out below from the reference data (data/kommuner-2025.csv):
 *
 *   call A (closes in A_YEAR), call B (closes in B_YEAR = A_YEAR + 1), both INNFORING;
 *   G1  call A  Bindal 1811 (1 399) leads, Sømna 1812 (1 976)    requested 1 000 000 kr, granted in full;
 *                                                                 tranche 1 (50 %) paid: 500 000 kr; 100 000 kr reclaimed
 *   G2  call B  Brønnøy 1813 (7 826) leads, Sømna 1812 again      requested 600 000 kr, granted in full
 *   R   call A  Vega 1815 (1 208) leads, Vevelstad 1816 (480)     requested 1 000 000 kr, rejected at the formal check
 * All of them in Nordland, Helse Nord (80 municipalities, 487 744 inhabitants); the country 357 and 5 550 203.
 *
 * Reach: A_YEAR {1811, 1812} = 2 municipalities, 3 375 inhabitants; B_YEAR adds 1813 only (Sømna is counted once):
 * 3 municipalities, 11 201 inhabitants. 2/357 = 0.56 %, 3/357 = 0.84 %; 2/80 = 2.5 %, 3/80 = 3.75 %;
 * 3 375/5 550 203 = 0.06 %, 11 201/5 550 203 = 0.20 %; 3 375/487 744 = 0.69 %, 11 201/487 744 = 2.30 %.
 * Target 63 % of 357 = 224.91 → 225 municipalities; 3 reached, 222 to go; the scheme starts 2024: by 2028.
 */
const CONTACT = { name: 'Synnøve Kontaktperson', email: 'synnove.kontaktperson@insights.test', phone: '+47 912 34 567' };
const ACCEPTOR = 'Torbjørg Aksepterer';
const A_YEAR = THIS_YEAR + 1;
const B_YEAR = THIS_YEAR + 2;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ROUTES = ['portfolio', 'reach', 'money-flow', 'indicators', 'timeliness', 'reports'];
const CHARTS = ['reach', 'money-flow', 'indicator-progress'];

/** supertest hands binary bodies back as a Buffer only when asked. */
function binary(res: NodeJS.ReadableStream & { setEncoding(e: string): void }, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('insights (issue 15)', () => {
  let t: TestApp;
  let callA: { id: string; measureCode: string };
  let callB: { id: string; measureCode: string };
  let g1: string;
  let g2: string;
  let g2Reports: Array<{ id: string; kind: string; dueOn: string }>;
  let evaluator: Auth;

  const budget = [
    { costCategory: 'PROSESSENDRING', description: 'Prosessendring', year: A_YEAR, amountOre: 60_000_000 },
    { costCategory: 'PROSESSENDRING', description: 'Prosessendring', year: B_YEAR, amountOre: 60_000_000 },
    { costCategory: 'SAMHANDLINGSFUNKSJONALITET', description: 'Samhandling', year: B_YEAR, amountOre: 80_000_000 },
  ];

  async function funded(pool: MunicipalityPool, call: { id: string; measureCode: string }, members: string[], requestedOre: number) {
    const s = await submittedApplication(t, {
      pool,
      call,
      members,
      draft: {
        requestedAmountOre: requestedOre,
        ownContributionOre: 200_000_000 - requestedOre,
        budgetLines: budget,
        contactPersons: [{ ...CONTACT, role: 'prosjektleder' }],
      },
    });
    await t
      .http()
      .post(`/api/v1/applications/${s.application.id}/formal-check`)
      .set(t.auth('officer'))
      .send({ outcome: 'eligible' })
      .expect(200);
    await t.dataSource.query(`UPDATE application SET status = 'ASSESSED' WHERE id = $1`, [s.application.id]);
    const d = await proposedDecision(t, s.application.id);
    const ok = await t.http().post(`/api/v1/decisions/${d.id}/approve`).set(t.auth('approver')).send({});
    expect(ok.status).toBe(200);
    const accepted = await t
      .http()
      .post(`/api/v1/grants/${ok.body.grantId}/accept`)
      .set(s.applicant.auth)
      .send({
        name: ACCEPTOR,
        title: 'Kommunedirektør',
        payee: { organisationNumber: validOrganisationNumber(), account: validAccount() },
      });
    expect(accepted.status).toBe(200);
    return { ...s, grantId: ok.body.grantId as string };
  }

  beforeAll(async () => {
    t = await createTestApp();
    const pool = await MunicipalityPool.create(t);
    callA = await createCall(t, { closesAt: `${A_YEAR}-06-30T12:00:00+02:00` });
    callB = await createCall(t, { closesAt: `${B_YEAR}-06-30T12:00:00+02:00` });

    const G1 = await funded(pool, callA, ['1811', '1812'], 100_000_000);
    g1 = G1.grantId;
    g2 = (await funded(pool, callB, ['1813', '1812'], 60_000_000)).grantId;
    const rejected = await submittedApplication(t, {
      pool,
      call: callA,
      members: ['1815', '1816'],
      draft: { contactPersons: [{ ...CONTACT, role: 'prosjektleder' }] },
    });
    await t
      .http()
      .post(`/api/v1/applications/${rejected.application.id}/formal-check`)
      .set(t.auth('officer'))
      .send({ outcome: 'rejected', reason: 'Mangler vedlegg.' })
      .expect(200);

    // G1: the first tranche paid, then 100 000 kr reclaimed
    const [first] = await tranchesOf(t, g1);
    await pay(t, first.id);
    const reclaim = await t
      .http()
      .post(`/api/v1/grants/${g1}/reclaims`)
      .set(t.auth('officer'))
      .send({ amountOre: 10_000_000, kind: 'MISUSE', reasons: 'Midler brukt utenfor formålet.', dueOn: `${A_YEAR}-02-01` });
    expect(reclaim.status).toBe(201);

    // G1's progress report submitted with its indicator at 4.5 minutes (baseline 6, target 3: half the way)
    const [report] = (await grantReports(t, g1)).filter((r) => r.kind === 'PROGRESS');
    const indicators = await approvedIndicators(t, G1.application.id);
    const body = progressReportBody(
      indicators.map((i) => i.indicator_id),
      { actuals: [{ costCategory: 'PROSESSENDRING', year: A_YEAR, amountOre: 55_000_000 }] },
    );
    body.indicators = body.indicators.map((i) => ({ ...i, periodStart: `${A_YEAR}-01-01`, periodEnd: `${A_YEAR}-12-31` }));
    await t.http().put(`/api/v1/reports/${report.id}`).set(G1.applicant.auth).send(body).expect(200);
    const submitted = await t.http().post(`/api/v1/reports/${report.id}/submit`).set(G1.applicant.auth);
    expect(submitted.status).toBe(200);
    g2Reports = await grantReports(t, g2);

    const token = await t
      .http()
      .post('/api/v1/api-tokens')
      .set(t.auth('evaluator'))
      .send({ name: 'følgeforskning', scopes: ['insights:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() })
      .expect(201);
    evaluator = bearer(token.body.token);
  }, 300_000);
  afterAll(() => t.close());

  const get = (path: string, auth: Auth = evaluator) => t.http().get(`/api/v1/insights/${path}`).set(auth);
  const file = (path: string) =>
    t
      .http()
      .get(`/api/v1/insights/${path}`)
      .set(evaluator)
      .buffer(true)
      .parse(binary as never);

  describe('figures against the hand-built data set', () => {
    it('portfolio: per call and in total', async () => {
      const res = await get('portfolio').expect(200);
      const zero = { withdrawn: 0, partlyGranted: 0, rejectedByDecision: 0 };
      expect(res.body.rows).toEqual([
        {
          callId: callA.id,
          callTitle: 'Testutlysning INNFORING',
          measure: 'INNFORING',
          year: A_YEAR,
          healthRegion: 'Helse Nord',
          received: 2,
          eligible: 1,
          assessed: 1,
          granted: 1,
          rejectedAtFormalCheck: 1,
          ...zero,
          requestedOre: 200_000_000,
          grantedOre: 100_000_000,
          paidOre: 50_000_000,
          reclaimedOre: 10_000_000,
          successRatePercent: 50,
        },
        {
          callId: callB.id,
          callTitle: 'Testutlysning INNFORING',
          measure: 'INNFORING',
          year: B_YEAR,
          healthRegion: 'Helse Nord',
          received: 1,
          eligible: 1,
          assessed: 1,
          granted: 1,
          rejectedAtFormalCheck: 0,
          ...zero,
          requestedOre: 60_000_000,
          grantedOre: 60_000_000,
          paidOre: 0,
          reclaimedOre: 0,
          successRatePercent: 100,
        },
      ]);
      expect(res.body.total).toMatchObject({
        callId: null,
        received: 3,
        eligible: 2,
        granted: 2,
        rejectedAtFormalCheck: 1,
        requestedOre: 260_000_000,
        grantedOre: 160_000_000,
        paidOre: 50_000_000,
        reclaimedOre: 10_000_000,
        successRatePercent: 66.67,
      });
      expect(res.body.filters).toEqual({ callId: null, measure: null, year: null, healthRegion: null, county: null });
    });

    it('filters: by call, year, region and county', async () => {
      expect((await get(`portfolio?callId=${callB.id}`).expect(200)).body.total).toMatchObject({ received: 1, requestedOre: 60_000_000 });
      expect((await get(`portfolio?year=${A_YEAR}`).expect(200)).body.total).toMatchObject({ received: 2, grantedOre: 100_000_000 });
      expect((await get('portfolio?healthRegion=Helse%20Vest').expect(200)).body).toMatchObject({ rows: [], total: { received: 0 } });
      expect((await get('portfolio?county=Nordland&measure=INNFORING').expect(200)).body.total).toMatchObject({ received: 3 });
      expect((await get('money-flow?county=Vestland').expect(200)).body.total).toMatchObject({ requestedOre: 0 });
      const bad = await get('portfolio?year=abc&healthRegion=Helse%20Sør').expect(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    });

    it('money flow: requested → granted → paid → reclaimed per call and year', async () => {
      const res = await get('money-flow').expect(200);
      expect(
        res.body.rows.map((r: Record<string, unknown>) => [r.callId, r.year, r.requestedOre, r.grantedOre, r.paidOre, r.reclaimedOre]),
      ).toEqual([
        [callA.id, A_YEAR, 200_000_000, 100_000_000, 50_000_000, 10_000_000],
        [callB.id, B_YEAR, 60_000_000, 60_000_000, 0, 0],
      ]);
      expect(res.body.total).toMatchObject({ applications: 3, requestedOre: 260_000_000, grantedOre: 160_000_000 });
    });

    it('reach: each municipality once, cumulative by year and region, against the target', async () => {
      const res = await get('reach').expect(200);
      const all = res.body.byYear.filter((r: { healthRegion: string | null }) => r.healthRegion === null);
      expect(all).toEqual([
        {
          year: A_YEAR,
          healthRegion: null,
          reachedMunicipalities: 2,
          municipalities: 357,
          reachedPopulation: 3375,
          population: 5_550_203,
          shareOfMunicipalitiesPercent: 0.56,
          shareOfPopulationPercent: 0.06,
          shareOfAllMunicipalitiesPercent: 0.56,
          shareOfAllPopulationPercent: 0.06,
        },
        {
          year: B_YEAR,
          healthRegion: null,
          reachedMunicipalities: 3,
          municipalities: 357,
          reachedPopulation: 11_201,
          population: 5_550_203,
          shareOfMunicipalitiesPercent: 0.84,
          shareOfPopulationPercent: 0.2,
          shareOfAllMunicipalitiesPercent: 0.84,
          shareOfAllPopulationPercent: 0.2,
        },
      ]);
      const nord = res.body.byYear.filter((r: { healthRegion: string | null }) => r.healthRegion === 'Helse Nord');
      expect(
        nord.map((r: Record<string, unknown>) => [
          r.year,
          r.reachedMunicipalities,
          r.municipalities,
          r.reachedPopulation,
          r.population,
          r.shareOfMunicipalitiesPercent,
          r.shareOfPopulationPercent,
        ]),
      ).toEqual([
        [A_YEAR, 2, 80, 3375, 487_744, 2.5, 0.69],
        [B_YEAR, 3, 80, 11_201, 487_744, 3.75, 2.3],
      ]);
      const vest = res.body.byYear.filter((r: { healthRegion: string | null }) => r.healthRegion === 'Helse Vest');
      expect(vest.map((r: { reachedMunicipalities: number }) => r.reachedMunicipalities)).toEqual([0, 0]);
      expect(res.body.target).toEqual({
        percent: 63,
        years: 5,
        fromYear: 2024,
        byYear: 2028,
        municipalitiesNeeded: 225,
        municipalitiesReached: 3,
        municipalitiesToGo: 222,
        met: false,
      });
      expect(res.body.notReached).toHaveLength(354);
      expect(res.body.notReached[0]).toEqual({
        number: '0301',
        name: 'Oslo',
        county: 'Oslo',
        healthRegion: 'Helse Sør-Øst',
        population: 717_710,
      });
      expect(res.body.notReached.map((m: { number: string }) => m.number)).not.toEqual(expect.arrayContaining(['1811']));
      const pops = res.body.notReached.map((m: { population: number }) => m.population);
      expect([...pops].sort((a, b) => b - a)).toEqual(pops);

      // the region filter: Helse Nord's own 80; the year filter: up to that year, so Brønnøy is not reached yet
      const nordOnly = await get('reach?healthRegion=Helse%20Nord').expect(200);
      expect(nordOnly.body.notReached).toHaveLength(77);
      const first = await get(`reach?year=${A_YEAR}`).expect(200);
      expect(first.body.target.municipalitiesReached).toBe(2);
      expect(first.body.notReached.map((m: { number: string }) => m.number)).toContain('1813');
    });

    it('indicators: per grant (one without a reported value, listed) and grouped by name and unit', async () => {
      const res = await get('indicators').expect(200);
      expect(res.body.grants).toHaveLength(2);
      const [one, two] = res.body.grants;
      expect(one).toMatchObject({
        grantId: g1,
        name: 'Tid brukt per journalføring',
        unit: 'minutter',
        baselineValue: '6',
        targetValue: '3',
        latestValue: '4.5',
        latestMethod: 'MEASURED',
        latestPeriodEnd: `${A_YEAR}-12-31`,
        latestReportKind: 'PROGRESS',
        progressPercent: 50,
        deviationFromTarget: '1.5',
      });
      expect(two).toMatchObject({ grantId: g2, baselineValue: '6', targetValue: '3', latestValue: null, progressPercent: null });
      expect(res.body.groups).toEqual([
        {
          name: 'Tid brukt per journalføring',
          unit: 'minutter',
          grants: 2,
          withBaseline: 2,
          withTarget: 2,
          withActual: 1,
          sumBaseline: '12',
          sumTarget: '6',
          sumLatestActual: '4.5',
          forecastOfReported: '3',
          outcomeOfReported: '4.5',
          averageProgressPercent: 50,
        },
      ]);
    });

    it('timeliness: due, on time, overdue now (days late), as of the day asked', async () => {
      const progressDue = g2Reports.find((r) => r.kind === 'PROGRESS')!.dueOn;
      const tenDaysLater = new Date(`${progressDue}T12:00:00+01:00`);
      tenDaysLater.setUTCDate(tenDaysLater.getUTCDate() + 9);
      const restore = setClock(t, tenDaysLater);
      try {
        const res = await get('timeliness').expect(200);
        // two progress reports (1 March of each project year) and the final report per grant
        expect(res.body.total).toMatchObject({ reports: 6, due: 2, submittedOnTime: 1, submittedLate: 0, overdueNow: 1 });
        expect(res.body.late).toEqual([
          {
            reportId: g2Reports.find((r) => r.kind === 'PROGRESS')!.id,
            caseNumber: expect.any(String),
            kind: 'PROGRESS',
            title: expect.any(String),
            dueOn: progressDue,
            firstSubmittedOn: null,
            daysLate: 9,
            overdueNow: true,
          },
        ]);
      } finally {
        restore();
      }
      // today nothing is due yet
      expect((await get('timeliness').expect(200)).body.total).toMatchObject({ due: 0, overdueNow: 0, submittedOnTime: 1 });
    });

    it('reports: the narrative, the actuals and the indicator values, for analysis', async () => {
      const res = await get('reports').expect(200);
      expect(res.body.items).toHaveLength(1);
      const [r] = res.body.items;
      expect(r).toMatchObject({ kind: 'PROGRESS', consortium: expect.any(String), leadMunicipality: 'Bindal', actualTotalOre: 55_000_000 });
      expect(r.sections.map((s: { code: string }) => s.code)).toEqual(['PROGRESS', 'DEVIATIONS', 'RISKS', 'SHARING']);
      expect(r.actuals).toEqual([{ costCategory: 'PROSESSENDRING', year: A_YEAR, amountOre: 55_000_000 }]);
      expect(r.indicators[0]).toMatchObject({ name: 'Tid brukt per journalføring', measured: true, value: '4.5', method: 'MEASURED' });
    });

    it('answers as documented in the OpenAPI document', async () => {
      const doc: OpenApiDocument = (await t.http().get('/api/docs-json').expect(200)).body;
      for (const route of ROUTES) {
        const res = await get(route).expect(200);
        const op = operationFor(doc, 'GET', `/api/v1/insights/${route}`)!;
        const content = op.operation.responses['200'].content!;
        expect(Object.keys(content)).toEqual(['application/json', 'text/csv', XLSX]);
        expect({ route, errors: schemaErrors(doc, content['application/json'].schema!, res.body) }).toEqual({ route, errors: [] });
      }
      for (const chart of CHARTS) {
        const op = operationFor(doc, 'GET', `/api/v1/insights/charts/${chart}.svg`)!;
        expect(Object.keys(op.operation.responses['200'].content!)).toEqual(['image/svg+xml']);
      }
    });
  });

  describe('CSV (both dialects) and XLSX give the JSON’s numbers', () => {
    const kroner = (s: string, comma: boolean) => Math.round(Number(comma ? s.replace(',', '.') : s) * 100);

    it('CSV: a # header block with the filters and the time, then the table; intl with points, no with semicolons and commas', async () => {
      const json = (await get(`portfolio?measure=INNFORING`).expect(200)).body;
      for (const dialect of ['intl', 'no'] as const) {
        const res = await file(`portfolio?measure=INNFORING&format=csv&dialect=${dialect}`).expect(200);
        expect(res.headers['content-type']).toMatch(/^text\/csv/);
        expect(res.headers['content-disposition']).toMatch(/attachment; filename="insights-portfolio-\d{4}-\d{2}-\d{2}(-no)?\.csv"/);
        const text = (res.body as Buffer).toString('utf8');
        const comma = dialect === 'no';
        expect(text.startsWith('\ufeff')).toBe(comma);
        const sep = comma ? ';' : ',';
        expect(text).toContain(`#filter.measure${sep}INNFORING\r\n`);
        expect(text).toContain(`#filter.callId${sep}(none)\r\n`);
        expect(text).toContain(`#extractedAt${sep}${json.extractedAt.slice(0, 10)}`);
        const rows: Array<Record<string, string>> = parse(text, { comment: '#', columns: true, delimiter: sep, bom: true });
        expect(rows.map((r) => r.call_id)).toEqual([callA.id, callB.id, 'TOTAL']);
        const expected = [...json.rows, json.total];
        rows.forEach((r, i) => {
          expect(Number(r.received)).toBe(expected[i].received);
          expect(Number(r.rejected_at_formal_check)).toBe(expected[i].rejectedAtFormalCheck);
          expect(kroner(r.requested_nok, comma)).toBe(expected[i].requestedOre);
          expect(kroner(r.granted_nok, comma)).toBe(expected[i].grantedOre);
          expect(kroner(r.paid_nok, comma)).toBe(expected[i].paidOre);
          expect(kroner(r.reclaimed_nok, comma)).toBe(expected[i].reclaimedOre);
          expect(Number(comma ? r.success_rate_percent.replace(',', '.') : r.success_rate_percent)).toBe(expected[i].successRatePercent);
        });
        if (comma) expect(rows[2].success_rate_percent).toBe('66,67');
      }
      // reach and indicators too: decimals with a comma in the Norwegian dialect
      const reach = (await get('reach').expect(200)).body;
      const csv = (await file('reach?format=csv&dialect=no').expect(200)).body.toString('utf8');
      const rows: Array<Record<string, string>> = parse(csv, { comment: '#', columns: true, delimiter: ';', bom: true });
      expect(rows).toHaveLength(reach.byYear.length);
      rows.forEach((r, i) => {
        expect(Number(r.reached_municipalities)).toBe(reach.byYear[i].reachedMunicipalities);
        expect(Number(r.reached_population)).toBe(reach.byYear[i].reachedPopulation);
        expect(Number(r.share_of_all_municipalities_percent.replace(',', '.'))).toBe(reach.byYear[i].shareOfAllMunicipalitiesPercent);
      });
      const ind = (await file('indicators?format=csv').expect(200)).body.toString('utf8');
      expect(parse(ind, { comment: '#', columns: true })[0]).toMatchObject({ sum_latest_actual: '4.5', average_progress_percent: '50' });
    });

    it('XLSX: a Metadata sheet with the filters and the time, then one sheet per table', async () => {
      const json = (await get(`money-flow?callId=${callA.id}`).expect(200)).body;
      const res = await file(`money-flow?callId=${callA.id}&format=xlsx`).expect(200);
      expect(res.headers['content-type']).toBe(XLSX);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as never);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Metadata', 'Pengestrøm']);
      const meta = Object.fromEntries(
        wb
          .getWorksheet('Metadata')!
          .getSheetValues()
          .slice(2)
          .map((r) => [(r as unknown[])[1], (r as unknown[])[2]]),
      );
      expect(meta).toMatchObject({
        report: 'money-flow',
        extractedAt: json.extractedAt,
        'filter.callId': callA.id,
        'filter.year': '(none)',
      });
      const sheet = wb.getWorksheet('Pengestrøm')!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      const rows = sheet
        .getSheetValues()
        .slice(2)
        .map((r) => Object.fromEntries(header.map((h, i) => [h, (r as unknown[])[i + 1]])));
      const expected = [...json.rows, json.total];
      expect(rows).toHaveLength(expected.length);
      rows.forEach((r, i) => {
        expect(r.applications).toBe(expected[i].applications);
        for (const k of ['requested', 'granted', 'paid', 'reclaimed'])
          expect(Math.round(Number(r[`${k}_nok`] ?? 0) * 100)).toBe(expected[i][`${k}Ore`]);
      });

      const reach = await file('reach?format=xlsx').expect(200);
      const rb = new ExcelJS.Workbook();
      await rb.xlsx.load(reach.body as never);
      expect(rb.worksheets.map((w) => w.name)).toEqual(['Metadata', 'Rekkevidde', 'Ikke nådd']);
      expect(rb.getWorksheet('Ikke nådd')!.rowCount).toBe(1 + 354);
      expect(rb.getWorksheet('Ikke nådd')!.getRow(2).values).toEqual([undefined, '0301', 'Oslo', 'Oslo', 'Helse Sør-Øst', 717_710]);
    });
  });

  describe('access and personal data', () => {
    it('a token scoped to insights:read reads every insights route and nothing else', async () => {
      for (const route of ROUTES) await get(route).expect(200);
      for (const chart of CHARTS) await get(`charts/${chart}.svg`).expect(200);
      for (const path of [
        `/api/v1/grants/${g1}`,
        '/api/v1/reports',
        '/api/v1/applications',
        '/api/v1/payments',
        '/api/v1/audit',
        '/api/v1/consortia',
      ])
        expect([path, (await t.http().get(path).set(evaluator)).status]).toEqual([path, 403]);
    });

    it('evaluators, officers and auditors read them; applicants and approvers do not', async () => {
      for (const role of ['evaluator', 'officer', 'auditor'] as const) await get('portfolio', t.auth(role)).expect(200);
      for (const role of ['applicant', 'approver', 'assessor'] as const) await get('portfolio', t.auth(role)).expect(403);
      await t.http().get('/api/v1/insights/portfolio').expect(401);
    });

    it('no contact person, acceptor or user name, e-mail or phone in any answer, export or chart', async () => {
      const seeded = [CONTACT.name, 'Synnøve', CONTACT.email, CONTACT.phone, ACCEPTOR, 'Kari Nordmann', '@test.local', '@demo.local'];
      // they are in the data, so the search below could find them
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM application_contact WHERE email = $1`, [CONTACT.email]);
      expect(n).toBe(3);
      const texts: Array<[string, string]> = [];
      for (const route of ROUTES) {
        texts.push([route, JSON.stringify((await get(route).expect(200)).body)]);
        for (const q of ['format=csv', 'format=csv&dialect=no'])
          texts.push([`${route} ${q}`, (await file(`${route}?${q}`).expect(200)).body.toString('utf8')]);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load((await file(`${route}?format=xlsx`).expect(200)).body as never);
        texts.push([`${route} xlsx`, JSON.stringify(wb.worksheets.map((w) => w.getSheetValues()))]);
      }
      for (const chart of CHARTS) texts.push([chart, (await file(`charts/${chart}.svg`).expect(200)).body.toString('utf8')]);
      const found = texts.flatMap(([where, text]) => seeded.filter((s) => text.includes(s)).map((s) => `${s} in ${where}`));
      expect(found).toEqual([]);
      // and the search does find what is there
      expect(texts.find(([w]) => w === 'reports')![1]).toContain('Bindal');
    });
  });

  describe('charts', () => {
    /** Well-formed XML: every tag closed in order, one root <svg> in the SVG namespace. */
    function svgProblems(svg: string): string[] {
      const problems: string[] = [];
      const stack: string[] = [];
      let roots = 0;
      const parser = new Parser(
        {
          onopentag(name, attrs) {
            if (stack.length === 0) {
              roots++;
              if (name !== 'svg' || attrs.xmlns !== 'http://www.w3.org/2000/svg') problems.push(`root <${name}>`);
            }
            stack.push(name);
          },
          onclosetag(name) {
            if (stack.pop() !== name) problems.push(`</${name}> out of order`);
          },
        },
        { xmlMode: true, recognizeSelfClosing: true },
      );
      parser.write(svg);
      parser.end();
      if (stack.length) problems.push(`unclosed ${stack.join(' ')}`);
      if (roots !== 1) problems.push(`${roots} roots`);
      return problems;
    }

    it('reach over time by region against the target: valid SVG with the values’ labels', async () => {
      const res = await file('charts/reach.svg').expect(200);
      expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
      const svg = res.body.toString('utf8');
      expect(svgProblems(svg)).toEqual([]);
      for (const label of ['0.6 %', '0.8 %', '2.5 %', '3.8 %', 'Mål 63 % innen 2028', 'Helse Nord', 'Alle', String(A_YEAR), String(B_YEAR)])
        expect([label, svg.includes(label)]).toEqual([label, true]);
    });

    it('money flow per call, in kroner', async () => {
      const svg = (await file('charts/money-flow.svg').expect(200)).body.toString('utf8');
      expect(svgProblems(svg)).toEqual([]);
      for (const ore of [200_000_000, 100_000_000, 50_000_000, 10_000_000, 60_000_000])
        expect([ore, svg.includes(formatKroner(ore))]).toEqual([ore, true]);
    });

    it('indicator progress, with the same filters', async () => {
      const svg = (await file('charts/indicator-progress.svg').expect(200)).body.toString('utf8');
      expect(svgProblems(svg)).toEqual([]);
      expect(svg).toContain('50.0 %');
      expect(svg).toContain('Tid brukt per journalføring');
      const filtered = (await file(`charts/indicator-progress.svg?callId=${callB.id}`).expect(200)).body.toString('utf8');
      expect(svgProblems(filtered)).toEqual([]);
      expect(filtered).not.toContain('50.0 %');
      expect(filtered).toContain(`callId=${callB.id}`);
      await get('charts/nope.svg').expect(404);
    });
  });
});
