import { randomUUID } from 'node:crypto';
import { submittedBudgetLines, submittedIndicators, submittedMembers } from '../src/applications/submitted-facts.queries';
import { ELIGIBLE_BY_MEASURE, NEVER_ELIGIBLE } from '../src/calls/call-rules';
import { callCostCategories } from '../src/calls/cost-categories.queries';
import { createTestApp, TestApp } from './support/app';
import {
  applicantFor,
  completeDraft,
  createCall,
  createConsortium,
  createDraft,
  MunicipalityPool,
  submittedApplication,
  confirmMembers,
  testRules,
  THIS_YEAR,
} from './support/fixtures';

/**
 * The submitted facts as rows (issue 8, point 6): cost categories a reference table that budget lines point at, the
 * categories of each call version as rows, budget lines that keep their ids across edits, and each submitted
 * version's budget lines, members and indicators as append-only rows that later modules reference by foreign key.
 * Runs on PostgreSQL when DATABASE_URL is set, on PGlite otherwise: the foreign keys hold on both.
 */
describe('submitted facts as rows', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(() => t.close());

  const patch = (id: string, auth: { Authorization: string }, body: Record<string, unknown>) =>
    t.http().patch(`/api/v1/applications/${id}`).set(auth).send(body);

  it('the catalogue holds the scheme lists; a call version stores the categories it funds as rows, version by version', async () => {
    const catalogue: Array<{ code: string; eligible: boolean; reason: string | null }> = await t.dataSource.query(
      `SELECT code, eligible, reason FROM cost_category`,
    );
    for (const c of Object.values(ELIGIBLE_BY_MEASURE).flat())
      expect(catalogue).toContainEqual({ code: c.code, eligible: true, reason: null });
    for (const n of NEVER_ELIGIBLE) expect(catalogue).toContainEqual({ code: n.code, eligible: false, reason: n.reason });
    const [{ n: innforing }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM measure_cost_category WHERE measure_code = 'INNFORING'`,
    );
    expect(Number(innforing)).toBe(ELIGIBLE_BY_MEASURE.INNFORING.length);

    const call = await createCall(t);
    const v1 = await callCostCategories(t.dataSource.manager, call.id, 1);
    expect(v1.filter((c) => c.eligible).map((c) => c.code)).toEqual(ELIGIBLE_BY_MEASURE.INNFORING.map((c) => c.code));
    expect(v1.filter((c) => !c.eligible).map((c) => c.code)).toEqual(NEVER_ELIGIBLE.map((c) => c.code));

    const revised = await t
      .http()
      .patch(`/api/v1/calls/${call.id}`)
      .set(t.auth('officer'))
      .send({
        changeReason: 'Vikarer finansieres ikke i denne utlysningen',
        rules: testRules('INNFORING', {
          costCategories: {
            eligible: ELIGIBLE_BY_MEASURE.INNFORING.filter((c) => c.code !== 'VIKARER'),
            ineligible: [{ code: 'VIKARER', reason: 'not funded in this call' }],
          },
        }),
      })
      .expect(200);
    expect(revised.body.version).toBe(2);
    const v2 = await callCostCategories(t.dataSource.manager, call.id, 2);
    expect(v2.find((c) => c.code === 'VIKARER')).toMatchObject({ eligible: false, label: null, reason: 'not funded in this call' });
    expect(await callCostCategories(t.dataSource.manager, call.id, 1)).toEqual(v1);
    await expect(t.dataSource.query(`DELETE FROM call_cost_category WHERE call_id = $1 AND call_version = 1`, [call.id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('a call may only name categories of the catalogue; a draft line only a category of the catalogue', async () => {
    const unknownInCall = await t
      .http()
      .post('/api/v1/calls')
      .set(t.auth('officer'))
      .send({
        measureCode: 'INNFORING',
        title: { nb: 'Ukjent kategori', nn: 'Ukjend kategori' },
        text: { nb: 'x', nn: 'x' },
        budgetOre: 1_000_000_00,
        opensAt: `${THIS_YEAR + 1}-01-01T12:00`,
        closesAt: `${THIS_YEAR + 1}-06-01T12:00`,
        rules: testRules('INNFORING', { costCategories: { eligible: [{ code: 'KAFFE', label: 'kaffe' }], ineligible: [] } }),
      })
      .expect(400);
    expect(unknownInCall.body.errors).toEqual([
      {
        field: 'rules.costCategories.eligible[0].code',
        code: 'UNKNOWN_COST_CATEGORY',
        message: 'KAFFE is not a cost category of the scheme; a new category is added to the catalogue (cost_category) first',
      },
    ]);

    const call = await createCall(t);
    const [a, b] = pool.take(2);
    const user = await applicantFor(t, a);
    const c = await createConsortium(t, user.auth, a, [a, b]);
    const draft = await createDraft(t, user.auth, completeDraft(call.id, c.id));
    const res = await patch(draft.id, user.auth, {
      budgetLines: [
        { costCategory: 'OPPLAERING', description: 'Opplæring', year: THIS_YEAR + 1, amountOre: 100 },
        { costCategory: 'KAFFE', description: 'Kaffe', year: THIS_YEAR + 1, amountOre: 100 },
      ],
    }).expect(400);
    expect(res.body.errors).toEqual([
      { field: 'budgetLines[1].costCategory', code: 'UNKNOWN_COST_CATEGORY', message: 'KAFFE is not a cost category of the scheme' },
    ]);
    // a category of the catalogue that this call does not fund is the eligibility check's to report, at submission
    await patch(draft.id, user.auth, {
      budgetLines: [{ costCategory: 'KONKURRANSE', description: 'Konkurranse', year: THIS_YEAR + 1, amountOre: 200_000_000 }],
    }).expect(200);
    const check = await t.http().get(`/api/v1/applications/${draft.id}/validation`).set(user.auth).expect(200);
    expect(check.body.problems).toContainEqual(
      expect.objectContaining({ field: 'budgetLines[0].costCategory', code: 'COST_CATEGORY_NOT_IN_CALL' }),
    );
  });

  it('budget lines keep their ids across edits: sent back with its id a line changes in place, a new one gets an id, a missing one goes', async () => {
    const call = await createCall(t);
    const [a, b] = pool.take(2);
    const user = await applicantFor(t, a);
    const c = await createConsortium(t, user.auth, a, [a, b]);
    const draft = await createDraft(t, user.auth, completeDraft(call.id, c.id));
    const [first, second] = draft.content.budgetLines as Array<{ id: string; costCategory: string; amountOre: number }>;
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.id).toMatch(/^[0-9a-f-]{36}$/);

    // reordered, one changed, one new: the two old lines swap positions within one edit
    const edited = await patch(draft.id, user.auth, {
      budgetLines: [
        { ...second, amountOre: 70_000_000 },
        { costCategory: 'MIGRERING', description: 'Migrering', year: THIS_YEAR + 1, amountOre: 10_000_000 },
        first,
      ],
    }).expect(200);
    const lines = edited.body.content.budgetLines as Array<{ id: string; amountOre: number; costCategory: string }>;
    expect(lines.map((l) => l.id)).toEqual([second.id, expect.any(String), first.id]);
    expect(lines[1].id).not.toBe(first.id);
    expect(lines[1].id).not.toBe(second.id);
    expect(lines[0].amountOre).toBe(70_000_000);

    // a line left out is removed; the others keep their ids (an edit of other fields leaves them alone)
    const dropped = await patch(draft.id, user.auth, { budgetLines: [lines[2], lines[1]] }).expect(200);
    expect(dropped.body.content.budgetLines.map((l: { id: string }) => l.id)).toEqual([first.id, lines[1].id]);
    const titled = await patch(draft.id, user.auth, { title: 'Ny tittel på søknaden' }).expect(200);
    expect(titled.body.content.budgetLines.map((l: { id: string }) => l.id)).toEqual([first.id, lines[1].id]);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM application_budget_line WHERE application_id = $1`, [
      draft.id,
    ]);
    expect(Number(n)).toBe(2);

    // an id that is not one of this draft's lines (another draft's, a removed one, or given twice) is refused
    const other = await createDraft(t, user.auth, { ...completeDraft(call.id, c.id), title: 'En annen søknad' });
    const foreign = await patch(draft.id, user.auth, {
      budgetLines: [other.content.budgetLines[0], { ...first }, { ...first }, { ...second }],
    }).expect(400);
    expect(foreign.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['budgetLines[0].id', 'UNKNOWN_BUDGET_LINE'],
      ['budgetLines[2].id', 'UNKNOWN_BUDGET_LINE'],
      ['budgetLines[3].id', 'UNKNOWN_BUDGET_LINE'],
    ]);
  });

  it('submission writes the version as rows; a returned draft changes, the submitted rows stay what was submitted', async () => {
    const [lead, member] = pool.take(2);
    const applicant = await applicantFor(t, lead);
    const trust = await t.http().get('/api/v1/organisations').query({ kind: 'HEALTH_TRUST', q: 'Helse Bergen' }).expect(200);
    const consortium = await t
      .http()
      .post('/api/v1/consortia')
      .set(applicant.auth)
      .send({
        name: `Samarbeid ${lead} med helseforetak`,
        leadMunicipality: lead,
        members: [lead, member],
        healthTrusts: [trust.body.items[0].id],
      })
      .expect(201);
    // the other municipality and the health trust consent, each by an applicant of its own
    await confirmMembers(t, consortium.body);
    const call = await createCall(t);
    const draft = await createDraft(t, applicant.auth, completeDraft(call.id, consortium.body.id));
    const submitted = await t.http().post(`/api/v1/applications/${draft.id}/submit`).set(applicant.auth).expect(200);
    const v1Content = submitted.body.content;
    const m = t.dataSource.manager;

    const v1Lines = await submittedBudgetLines(m, draft.id, 1);
    expect(v1Lines).toEqual(
      v1Content.budgetLines.map(
        (l: { id: string; costCategory: string; description: string; year: number; amountOre: number }, i: number) => ({
          lineId: l.id,
          position: i,
          costCategory: l.costCategory,
          description: l.description,
          year: l.year,
          amountOre: l.amountOre,
        }),
      ),
    );
    const members = await submittedMembers(m, draft.id, 1);
    expect(members.map((x) => [x.municipalityNumber, x.role]).sort()).toEqual(
      [
        [lead, 'LEAD'],
        [member, 'MEMBER'],
        [null, 'HEALTH_TRUST'],
      ].sort(),
    );
    const [indicator] = await submittedIndicators(m, draft.id, 1);
    expect(indicator).toMatchObject({ indicatorId: v1Content.benefitPlan.indicators[0].id, baselineValue: '6', targetValue: '3' });
    const sums: Array<{ total: string | number }> = await t.dataSource.query(
      `SELECT sum(amount_ore)::text AS total FROM submitted_budget_line WHERE application_id = $1 AND version = 1`,
      [draft.id],
    );
    expect(sums[0].total).toBe('200000000');

    // returned for completion: the applicant changes a line, drops one, adds one and changes the consortium
    await t
      .http()
      .post(`/api/v1/applications/${draft.id}/return`)
      .set(t.auth('officer'))
      .send({ reason: 'Budsjettet må deles opp' })
      .expect(200);
    const [first, second] = v1Content.budgetLines;
    await patch(draft.id, applicant.auth, {
      budgetLines: [
        { ...first, amountOre: 100_000_000 },
        { costCategory: second.costCategory, description: 'Ny linje', year: second.year, amountOre: 100_000_000 },
      ],
    }).expect(200);
    await t.http().patch(`/api/v1/consortia/${consortium.body.id}`).set(applicant.auth).send({ healthTrusts: [] }).expect(200);
    // the draft's line that was in version 1 is gone from the draft, not from version 1
    expect(await submittedBudgetLines(m, draft.id, 1)).toEqual(v1Lines);
    await t.http().post(`/api/v1/applications/${draft.id}/submit`).set(applicant.auth).expect(200);

    const v2Lines = await submittedBudgetLines(m, draft.id, 2);
    expect(v2Lines.map((l) => [l.lineId === first.id, l.lineId === second.id, l.amountOre])).toEqual([
      [true, false, 100_000_000],
      [false, false, 100_000_000],
    ]);
    expect(await submittedBudgetLines(m, draft.id, 1)).toEqual(v1Lines);
    expect((await submittedMembers(m, draft.id, 1)).length).toBe(3);
    expect((await submittedMembers(m, draft.id, 2)).map((x) => x.role).sort()).toEqual(['LEAD', 'MEMBER']);

    // append-only, like the frozen version itself
    await expect(
      t.dataSource.query(`UPDATE submitted_budget_line SET amount_ore = 1 WHERE application_id = $1`, [draft.id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM submitted_member WHERE application_id = $1`, [draft.id])).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM submitted_indicator WHERE application_id = $1`, [draft.id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('indicator values are exact decimals end to end: strings in and out, numeric in the database, sums exact', async () => {
    const call = await createCall(t);
    const [a, b] = pool.take(2);
    const user = await applicantFor(t, a);
    const c = await createConsortium(t, user.auth, a, [a, b]);
    const base = completeDraft(call.id, c.id);
    const indicator = (base.benefitPlan as { indicators: Array<Record<string, unknown>> }).indicators[0];
    const values = [
      { baselineValue: 0.1, targetValue: '0.2' },
      { baselineValue: '0.2', targetValue: '9999999999999999.9999' },
      { baselineValue: '-1234567890123456.789', targetValue: '00012.5000' },
    ];
    const draft = await createDraft(t, user.auth, {
      ...base,
      benefitPlan: { indicators: values.map((v, i) => ({ ...indicator, name: `Indikator ${i + 1}`, ...v })) },
    });
    const expected = [
      ['0.1', '0.2'],
      ['0.2', '9999999999999999.9999'],
      ['-1234567890123456.789', '12.5'],
    ];
    const shown = (content: { benefitPlan: { indicators: Array<{ baselineValue: unknown; targetValue: unknown }> } }) =>
      content.benefitPlan.indicators.map((x) => [x.baselineValue, x.targetValue]);
    expect(shown(draft.content)).toEqual(expected);
    expect(shown((await t.http().get(`/api/v1/applications/${draft.id}`).set(user.auth).expect(200)).body.content)).toEqual(expected);

    const submitted = await t.http().post(`/api/v1/applications/${draft.id}/submit`).set(user.auth).expect(200);
    expect(shown(submitted.body.content)).toEqual(expected);
    const version = await t.http().get(`/api/v1/applications/${draft.id}/versions/1`).set(user.auth).expect(200);
    expect(shown(version.body.content)).toEqual(expected);
    const rows = await submittedIndicators(t.dataSource.manager, draft.id, 1);
    expect(rows.map((r) => [r.baselineValue, r.targetValue])).toEqual(expected);
    // 0.1 + 0.2 is 0.3 in numeric, where a float would say 0.30000000000000004
    const [{ s }] = await t.dataSource.query(
      `SELECT sum(baseline_value)::text AS s FROM submitted_indicator WHERE application_id = $1 AND position < 2`,
      [draft.id],
    );
    expect(s).toBe('0.3000');

    const other = await createDraft(t, user.auth, { ...base, title: 'Søknad med ugyldige tall' });
    const bad = await patch(other.id, user.auth, {
      benefitPlan: {
        indicators: [
          { ...indicator, baselineValue: '1e3', targetValue: '10000000000000000' },
          { ...indicator, baselineValue: '0.00001', targetValue: true },
          { ...indicator, baselineValue: Number('1234567890123456.7') },
        ],
      },
    }).expect(400);
    expect(bad.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['benefitPlan.indicators[0].baselineValue', 'IS_DECIMAL'],
      ['benefitPlan.indicators[0].targetValue', 'DECIMAL_RANGE'],
      ['benefitPlan.indicators[1].baselineValue', 'MAX_DECIMAL_PLACES'],
      ['benefitPlan.indicators[1].targetValue', 'IS_DECIMAL'],
      ['benefitPlan.indicators[2].baselineValue', 'EXACT_NUMBER'],
    ]);
  });

  it('the database refuses a reference to an unknown cost category or a version that does not exist (foreign keys)', async () => {
    const { application } = await submittedApplication(t, { pool });
    const id = application.id as string;
    const fk = { code: '23503' };
    await expect(
      t.dataSource.query(
        `INSERT INTO application_budget_line (application_id, position, cost_category, description, year, amount_ore)
         VALUES ($1, 99, 'FINNES_IKKE', 'x', 2027, 1)`,
        [id],
      ),
    ).rejects.toMatchObject(fk);
    await expect(
      t.dataSource.query(
        `INSERT INTO submitted_budget_line (application_id, version, line_id, position, cost_category_code, description, year, amount_ore)
         VALUES ($1, 1, $2, 99, 'FINNES_IKKE', 'x', 2027, 1)`,
        [id, randomUUID()],
      ),
    ).rejects.toMatchObject(fk);
    await expect(
      t.dataSource.query(
        `INSERT INTO submitted_budget_line (application_id, version, line_id, position, cost_category_code, description, year, amount_ore)
         VALUES ($1, 7, $2, 0, 'OPPLAERING', 'x', 2027, 1)`,
        [id, randomUUID()],
      ),
    ).rejects.toMatchObject(fk);
    await expect(
      t.dataSource.query(
        `INSERT INTO submitted_member (application_id, version, organisation_id, position, municipality_number, role, name)
         SELECT $1, 7, id, 9, municipality_number, 'MEMBER', name FROM organisation WHERE municipality_number IS NOT NULL LIMIT 1`,
        [id],
      ),
    ).rejects.toMatchObject(fk);
    await expect(
      t.dataSource.query(
        `INSERT INTO submitted_indicator (application_id, version, indicator_id, position, name, unit, actor, kind, method)
         VALUES ($1, 7, $2, 0, 'x', 'x', 'PATIENTS', 'BENEFIT', 'MEASURED')`,
        [id, randomUUID()],
      ),
    ).rejects.toMatchObject(fk);
    await expect(
      t.dataSource.query(
        `INSERT INTO call_cost_category (call_id, call_version, cost_category_code, eligible, label, position)
         SELECT call_id, 1, 'FINNES_IKKE', true, 'x', 99 FROM application WHERE id = $1`,
        [id],
      ),
    ).rejects.toMatchObject(fk);
    // and the real ones are there to reference
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM submitted_budget_line s JOIN cost_category c ON c.code = s.cost_category_code
        WHERE s.application_id = $1 AND s.version = 1 AND c.eligible`,
      [id],
    );
    expect(Number(n)).toBe(2);
  });
});
