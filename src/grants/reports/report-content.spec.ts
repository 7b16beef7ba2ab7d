import { DEMO_REPORTS } from '../../calls/call-rules';
import { budgetComparison, checkReport, EMPTY_CONTENT, isOverdue, ReportContent, ReportContext } from './report-content';

const IND = '7b1f3c9e-2f5d-4c1e-9a3b-0d6e8f1a2b3c';

const context = (over: Partial<ReportContext> = {}): ReportContext => ({
  kind: 'PROGRESS',
  sections: DEMO_REPORTS.sections,
  benefitSummaryMaxLength: 100,
  questions: [],
  approvedBudget: [
    { costCategory: 'PROSESSENDRING', year: 2027, amountOre: 600_000_00 },
    { costCategory: 'PROSESSENDRING', year: 2028, amountOre: 600_000_00 },
    { costCategory: 'SAMHANDLINGSFUNKSJONALITET', year: 2028, amountOre: 800_000_00 },
  ],
  indicators: [{ indicatorId: IND, name: 'Tid per journalføring' }],
  projectStart: '2027-07-01',
  projectEnd: '2029-12-31',
  grantAmountOre: 1_000_000_00,
  ...over,
});

const complete = (over: Partial<ReportContent> = {}): ReportContent => ({
  ...EMPTY_CONTENT,
  sections: DEMO_REPORTS.sections.map((s) => ({ code: s.code, text: 'Skrevet.' })),
  actuals: [{ costCategory: 'PROSESSENDRING', year: 2027, amountOre: 550_000_00 }],
  indicators: [
    {
      indicatorId: IND,
      measured: true,
      value: '4.5',
      periodStart: '2027-07-01',
      periodEnd: '2028-02-29',
      method: 'MEASURED',
      sampleSize: null,
      responseRatePercent: null,
      comment: null,
      notMeasuredReason: null,
    },
  ],
  ...over,
});

const fields = (c: ReportContent, ctx = context()) => checkReport(c, ctx).map((p) => `${p.field} ${p.code}`);

describe('report content rules', () => {
  it('a complete progress report has no problem', () => {
    expect(fields(complete())).toEqual([]);
  });

  it('names each section missing, too long or unknown', () => {
    const c = complete({
      sections: [
        { code: 'PROGRESS', text: 'x'.repeat(8001) },
        { code: 'DEVIATIONS', text: '   ' },
        { code: 'RISKS', text: 'ok' },
        { code: 'WEATHER', text: 'sol' },
      ],
    });
    expect(fields(c)).toEqual([
      'sections.PROGRESS SECTION_TOO_LONG',
      'sections.DEVIATIONS SECTION_REQUIRED',
      'sections.SHARING SECTION_REQUIRED',
      'sections[3].code UNKNOWN_SECTION',
    ]);
  });

  it('refuses a cost category the approved budget does not have, a year outside the project and a line given twice', () => {
    const c = complete({
      actuals: [
        { costCategory: 'OPPLAERING', year: 2027, amountOre: 1 },
        { costCategory: 'PROSESSENDRING', year: 2031, amountOre: 1 },
        { costCategory: 'PROSESSENDRING', year: 2027, amountOre: 1 },
        { costCategory: 'PROSESSENDRING', year: 2027, amountOre: 2 },
      ],
    });
    expect(fields(c)).toEqual([
      'actuals[0].costCategory COST_CATEGORY_NOT_APPROVED',
      'actuals[1].year YEAR_OUTSIDE_PROJECT',
      'actuals[3] DUPLICATE',
    ]);
  });

  it('wants every indicator: a value with period and method, or not measured with the reason; a perceived value with its sample', () => {
    expect(fields(complete({ indicators: [] }))).toEqual([`indicators.${IND} INDICATOR_MISSING`]);
    const base = complete().indicators[0];
    expect(fields(complete({ indicators: [{ ...base, measured: false, value: null, notMeasuredReason: ' ' }] }))).toEqual([
      'indicators[0].notMeasuredReason NOT_MEASURED_REASON_REQUIRED',
    ]);
    expect(fields(complete({ indicators: [{ ...base, value: null, periodEnd: '2027-01-01', method: 'PERCEIVED' }] }))).toEqual([
      'indicators[0].value VALUE_REQUIRED',
      'indicators[0].periodEnd PERIOD_ENDS_BEFORE_START',
      'indicators[0].sampleSize SAMPLE_REQUIRED',
      'indicators[0].responseRatePercent SAMPLE_REQUIRED',
    ]);
    expect(fields(complete({ indicators: [base, { ...base, indicatorId: '00000000-0000-4000-8000-000000000000' }] }))).toEqual([
      'indicators[1].indicatorId UNKNOWN_INDICATOR',
    ]);
  });

  it("holds a final report's statement to its actuals and the grant, and wants the summary and a declaration", () => {
    const ctx = context({ kind: 'FINAL' });
    const actuals = [
      { costCategory: 'PROSESSENDRING', year: 2027, amountOre: 1_000_000_00 },
      { costCategory: 'SAMHANDLINGSFUNKSJONALITET', year: 2028, amountOre: 1_000_000_00 },
    ];
    const statement = {
      totalEligibleCostsOre: 2_000_000_00,
      ownContributionOre: 900_000_00,
      otherPublicFundingOre: 0,
      grantUsedOre: 1_100_000_00,
    };
    expect(fields(complete({ actuals, financialStatement: statement }), ctx)).toEqual([
      'financialStatement.grantUsedOre GRANT_USED_ABOVE_GRANT',
      'benefitSummary BENEFIT_SUMMARY_REQUIRED',
      'declaration.name DECLARATION_REQUIRED',
      'declaration.title DECLARATION_REQUIRED',
    ]);
    const ok = complete({
      actuals,
      financialStatement: { ...statement, ownContributionOre: 1_000_000_00, grantUsedOre: 1_000_000_00 },
      benefitSummary: 'Gevinstene er tatt ut.',
      declaration: { name: 'Randi Rådmann', title: 'kommunedirektør' },
    });
    expect(fields(ok, ctx)).toEqual([]);
    expect(fields({ ...ok, actuals: actuals.slice(0, 1) }, ctx)).toEqual([
      'financialStatement.totalEligibleCostsOre TOTAL_DIFFERS_FROM_ACTUALS',
    ]);
  });

  it('an ad hoc report wants one answer per question and nothing else', () => {
    const ctx = context({ kind: 'AD_HOC', questions: ['Hvor langt er dere?', 'Hva gjenstår?'] });
    expect(
      fields(
        {
          ...EMPTY_CONTENT,
          answers: [
            { question: 0, text: 'Halvveis.' },
            { question: 5, text: 'x' },
          ],
        },
        ctx,
      ),
    ).toEqual(['answers[1] ANSWER_REQUIRED', 'answers[1].question UNKNOWN_QUESTION']);
  });

  it('compares the actuals with the approved budget per category and year: actual − approved', () => {
    expect(
      budgetComparison(context().approvedBudget, [
        { costCategory: 'PROSESSENDRING', year: 2027, amountOre: 650_000_00 },
        { costCategory: 'SAMHANDLINGSFUNKSJONALITET', year: 2028, amountOre: 300_000_00 },
      ]),
    ).toEqual([
      { costCategory: 'PROSESSENDRING', year: 2027, approvedOre: 600_000_00, actualOre: 650_000_00, varianceOre: 50_000_00 },
      { costCategory: 'PROSESSENDRING', year: 2028, approvedOre: 600_000_00, actualOre: 0, varianceOre: -600_000_00 },
      { costCategory: 'SAMHANDLINGSFUNKSJONALITET', year: 2028, approvedOre: 800_000_00, actualOre: 300_000_00, varianceOre: -500_000_00 },
    ]);
  });

  it('is overdue only while not submitted, and only after the due day has passed in Norway', () => {
    expect(isOverdue('DRAFT', '2028-03-01', '2028-03-01')).toBe(false);
    expect(isOverdue('DRAFT', '2028-03-01', '2028-03-02')).toBe(true);
    expect(isOverdue('SUBMITTED', '2028-03-01', '2028-03-02')).toBe(false);
  });
});
