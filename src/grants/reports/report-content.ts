import { createHash } from 'node:crypto';
import { canonicalJson } from '../../audit/canonical-json';
import { DecimalString } from '../../common/decimal';
import { sumOre } from '../../common/money';
import { FieldProblem } from '../../common/problem';
import { ReportProblems as P } from './reports.errors';

export const REPORT_KINDS = ['PROGRESS', 'FINAL', 'AD_HOC'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const INDICATOR_METHODS = ['MEASURED', 'ESTIMATED', 'PERCEIVED'] as const;
export type IndicatorMethod = (typeof INDICATOR_METHODS)[number];

/** One actual value of an indicator of the approved benefit plan, or why it was not measured. */
export interface IndicatorValue {
  indicatorId: string;
  measured: boolean;
  value: DecimalString | null;
  periodStart: string | null;
  periodEnd: string | null;
  method: IndicatorMethod | null;
  /** How many answered or were measured (a survey, a sample of entries). */
  sampleSize: number | null;
  /** Share who answered, in percent (a decimal string). */
  responseRatePercent: DecimalString | null;
  comment: string | null;
  notMeasuredReason: string | null;
}

export interface FinancialStatement {
  totalEligibleCostsOre: number;
  ownContributionOre: number;
  otherPublicFundingOre: number;
  grantUsedOre: number;
}

/** What the consortium writes in a report: the draft as saved, and each submitted version as frozen. */
export interface ReportContent {
  sections: Array<{ code: string; text: string }>;
  actuals: Array<{ costCategory: string; year: number; amountOre: number }>;
  indicators: IndicatorValue[];
  /** Answers to an ad hoc report's questions, by the question's position. */
  answers: Array<{ question: number; text: string }>;
  /** The final report's financial statement, benefit-realisation summary and declaration. */
  financialStatement: FinancialStatement | null;
  benefitSummary: string | null;
  declaration: { name: string; title: string } | null;
  /** The attachments a submitted version holds (empty in the draft, which lists them live). */
  attachments: Array<{ id: string; filename: string; sha256: string; sizeBytes: number }>;
}

export const EMPTY_CONTENT: ReportContent = {
  sections: [],
  actuals: [],
  indicators: [],
  answers: [],
  financialStatement: null,
  benefitSummary: null,
  declaration: null,
  attachments: [],
};

/** A stored draft of any age read as the current shape (fields added later are empty). */
export function contentOf(raw: Partial<ReportContent> | null | undefined): ReportContent {
  return { ...EMPTY_CONTENT, ...(raw ?? {}) };
}

export function reportContentSha256(c: ReportContent): string {
  return createHash('sha256').update(canonicalJson(c)).digest('hex');
}

export interface ReportSection {
  code: string;
  title: { nb: string; nn: string };
  maxLength: number;
}

export interface ApprovedBudgetLine {
  costCategory: string;
  year: number;
  amountOre: number;
}

/** What a report is checked against: its kind, the call's sections, and the grant's approved budget and indicators. */
export interface ReportContext {
  kind: ReportKind;
  sections: readonly ReportSection[];
  benefitSummaryMaxLength: number;
  questions: readonly string[];
  approvedBudget: readonly ApprovedBudgetLine[];
  indicators: ReadonlyArray<{ indicatorId: string; name: string }>;
  projectStart: string | null;
  projectEnd: string | null;
  grantAmountOre: number;
  /** An ad hoc report that asks for a financial statement (a terminated grant's final statement). */
  financialStatementRequired?: boolean;
}

/** Not submitted and past its due date in Norway: derived from the state and the date, never stored. */
export function isOverdue(status: string, dueOn: string, today: string): boolean {
  return status === 'DRAFT' && dueOn < today;
}

/** The same rule in SQL, over a report alias and today's Oslo date bound as a parameter. */
export function overdueSql(alias: string, today: string): string {
  return `${alias}.status = 'DRAFT' AND ${alias}.due_on < ${today}::date`;
}

export const ANSWER_MAX_LENGTH = 20000;

/** Every blocking problem of a report, by field; none: it may be submitted. */
export function checkReport(c: ReportContent, ctx: ReportContext): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, code: string, message: string) => problems.push({ field, code, message });

  if (ctx.kind === 'AD_HOC') {
    ctx.questions.forEach((q, i) => {
      const answers = c.answers.filter((a) => a.question === i);
      if (!answers.length || !answers[0].text.trim()) add(`answers[${i}]`, P.ANSWER_REQUIRED, `answer question ${i + 1}: «${q}»`);
      else if (answers[0].text.length > ANSWER_MAX_LENGTH)
        add(`answers[${i}]`, P.ANSWER_TOO_LONG, `the answer to question ${i + 1} is longer than ${ANSWER_MAX_LENGTH} characters`);
      if (answers.length > 1) add(`answers[${i}]`, P.DUPLICATE, `question ${i + 1} is answered twice`);
    });
    c.answers.forEach((a, i) => {
      if (!Number.isInteger(a.question) || a.question < 0 || a.question >= ctx.questions.length)
        add(`answers[${i}].question`, P.UNKNOWN_QUESTION, `the report has no question ${a.question + 1}`);
    });
    if (ctx.financialStatementRequired) checkFinancialStatement(c, ctx, add);
    return problems;
  }

  // narrative sections set by the call, each within its length limit
  for (const s of ctx.sections) {
    const given = c.sections.find((x) => x.code === s.code);
    if (!given || !given.text.trim()) add(`sections.${s.code}`, P.SECTION_REQUIRED, `write the section «${s.title.nb}»`);
    else if (given.text.length > s.maxLength)
      add(
        `sections.${s.code}`,
        P.SECTION_TOO_LONG,
        `the section «${s.title.nb}» has ${given.text.length} characters; it may have at most ${s.maxLength}`,
      );
  }
  c.sections.forEach((x, i) => {
    if (!ctx.sections.some((s) => s.code === x.code))
      add(`sections[${i}].code`, P.UNKNOWN_SECTION, `the call's reports have no section ${x.code}`);
    else if (c.sections.findIndex((y) => y.code === x.code) !== i)
      add(`sections[${i}].code`, P.DUPLICATE, `section ${x.code} is given twice`);
  });

  // financial actuals: only what the approved budget has a category for, within the project's years
  const approvedCategories = new Set(ctx.approvedBudget.map((b) => b.costCategory));
  const firstYear = ctx.projectStart ? Number(ctx.projectStart.slice(0, 4)) : null;
  const lastYear = ctx.projectEnd ? Number(ctx.projectEnd.slice(0, 4)) : null;
  c.actuals.forEach((a, i) => {
    if (!approvedCategories.has(a.costCategory))
      add(
        `actuals[${i}].costCategory`,
        P.COST_CATEGORY_NOT_APPROVED,
        `${a.costCategory} is not a cost category of the approved budget (${[...approvedCategories].join(', ')})`,
      );
    if (firstYear !== null && lastYear !== null && (a.year < firstYear || a.year > lastYear))
      add(`actuals[${i}].year`, P.YEAR_OUTSIDE_PROJECT, `${a.year} is outside the project's years ${firstYear}–${lastYear}`);
    if (c.actuals.findIndex((b) => b.costCategory === a.costCategory && b.year === a.year) !== i)
      add(`actuals[${i}]`, P.DUPLICATE, `${a.costCategory} ${a.year} is given twice`);
  });

  // every indicator of the benefit plan: a value, or why it was not measured; never silently left out
  for (const ind of ctx.indicators) {
    if (!c.indicators.some((v) => v.indicatorId === ind.indicatorId))
      add(
        `indicators.${ind.indicatorId}`,
        P.INDICATOR_MISSING,
        `report a value for the indicator «${ind.name}», or mark it not measured with the reason`,
      );
  }
  c.indicators.forEach((v, i) => {
    const f = `indicators[${i}]`;
    if (!ctx.indicators.some((x) => x.indicatorId === v.indicatorId)) {
      add(`${f}.indicatorId`, P.UNKNOWN_INDICATOR, `${v.indicatorId} is not an indicator of the approved benefit plan`);
      return;
    }
    if (c.indicators.findIndex((x) => x.indicatorId === v.indicatorId) !== i)
      add(`${f}.indicatorId`, P.DUPLICATE, `the indicator is given twice`);
    if (!v.measured) {
      if (!v.notMeasuredReason?.trim())
        add(`${f}.notMeasuredReason`, P.NOT_MEASURED_REASON_REQUIRED, 'say why the indicator was not measured');
      if (v.value !== null) add(`${f}.value`, P.NOT_APPLICABLE, 'an indicator not measured has no value');
      return;
    }
    if (v.value === null) add(`${f}.value`, P.VALUE_REQUIRED, 'give the value (or mark the indicator not measured with the reason)');
    if (!v.periodStart) add(`${f}.periodStart`, P.PERIOD_REQUIRED, 'give the first day of the period the value covers');
    if (!v.periodEnd) add(`${f}.periodEnd`, P.PERIOD_REQUIRED, 'give the last day of the period the value covers');
    if (v.periodStart && v.periodEnd && v.periodEnd < v.periodStart)
      add(`${f}.periodEnd`, P.PERIOD_ENDS_BEFORE_START, 'the period ends before it starts');
    if (!v.method) add(`${f}.method`, P.METHOD_REQUIRED, 'say how the value was found: MEASURED, ESTIMATED or PERCEIVED');
    if (v.method === 'PERCEIVED') {
      // a perceived value comes from asking people: how many, and how many answered
      if (v.sampleSize === null) add(`${f}.sampleSize`, P.SAMPLE_REQUIRED, 'a perceived value needs the number asked (sample size)');
      if (v.responseRatePercent === null) add(`${f}.responseRatePercent`, P.SAMPLE_REQUIRED, 'a perceived value needs the response rate');
    }
    if (v.notMeasuredReason !== null)
      add(`${f}.notMeasuredReason`, P.NOT_APPLICABLE, 'a measured indicator has no reason for not being measured');
  });

  if (ctx.kind === 'FINAL') {
    checkFinancialStatement(c, ctx, add);
    if (!c.benefitSummary?.trim())
      add('benefitSummary', P.BENEFIT_SUMMARY_REQUIRED, 'the final report needs the benefit-realisation summary');
    else if (c.benefitSummary.length > ctx.benefitSummaryMaxLength)
      add('benefitSummary', P.BENEFIT_SUMMARY_TOO_LONG, `the summary may have at most ${ctx.benefitSummaryMaxLength} characters`);
    if (!c.declaration?.name.trim())
      add('declaration.name', P.DECLARATION_REQUIRED, 'the final report is declared by a named person for the municipality');
    if (!c.declaration?.title.trim()) add('declaration.title', P.DECLARATION_REQUIRED, "give the declaring person's title");
  }
  return problems;
}

/** The financial statement of a final report (or of a terminated grant's statement): present, adding up, within the grant. */
function checkFinancialStatement(c: ReportContent, ctx: ReportContext, add: (field: string, code: string, message: string) => void): void {
  const fs = c.financialStatement;
  if (!fs) add('financialStatement', P.FINANCIAL_STATEMENT_REQUIRED, 'the final report needs the financial statement');
  else {
    const covered = sumOre([fs.ownContributionOre, fs.otherPublicFundingOre, fs.grantUsedOre]);
    if (covered !== fs.totalEligibleCostsOre)
      add(
        'financialStatement',
        P.FINANCIAL_STATEMENT_DOES_NOT_ADD_UP,
        `own contribution, other public funding and the grant used add up to ${covered} øre, not the ${fs.totalEligibleCostsOre} øre of eligible costs`,
      );
    const actual = sumOre(c.actuals.map((a) => a.amountOre));
    if (actual !== fs.totalEligibleCostsOre)
      add(
        'financialStatement.totalEligibleCostsOre',
        P.TOTAL_DIFFERS_FROM_ACTUALS,
        `the actuals per cost category and year add up to ${actual} øre, not ${fs.totalEligibleCostsOre} øre`,
      );
    if (fs.grantUsedOre > ctx.grantAmountOre)
      add(
        'financialStatement.grantUsedOre',
        P.GRANT_USED_ABOVE_GRANT,
        `the grant is ${ctx.grantAmountOre} øre; more cannot have been used`,
      );
  }
}

export interface BudgetComparisonLine {
  costCategory: string;
  year: number;
  approvedOre: number;
  actualOre: number;
  /** actual − approved: above the budget is positive. */
  varianceOre: number;
}

/** Actuals against the approved budget, per cost category and year (every approved line, and every actual). */
export function budgetComparison(approved: readonly ApprovedBudgetLine[], actuals: ReportContent['actuals']): BudgetComparisonLine[] {
  const key = (c: string, y: number) => `${c}|${y}`;
  const lines = new Map<string, { costCategory: string; year: number; approved: number[]; actual: number[] }>();
  const at = (c: string, y: number) => {
    const k = key(c, y);
    if (!lines.has(k)) lines.set(k, { costCategory: c, year: y, approved: [], actual: [] });
    return lines.get(k)!;
  };
  for (const b of approved) at(b.costCategory, b.year).approved.push(b.amountOre);
  for (const a of actuals) at(a.costCategory, a.year).actual.push(a.amountOre);
  return [...lines.values()]
    .sort((a, b) => a.year - b.year || a.costCategory.localeCompare(b.costCategory))
    .map((l) => {
      const approvedOre = sumOre(l.approved);
      const actualOre = sumOre(l.actual);
      return { costCategory: l.costCategory, year: l.year, approvedOre, actualOre, varianceOre: actualOre - approvedOre };
    });
}
