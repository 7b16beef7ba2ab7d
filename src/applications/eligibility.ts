import { CallRules, maxShareFor } from '../calls/call-rules';
import { formatOsloShort, osloYear } from '../common/oslo-time';
import { FieldProblem } from '../common/problem';
import { ApplicationContent } from './application-content';
import { formatBpAsPercent, formatKroner, ratioBpRoundedUp } from '../common/money';
import { EligibilityErrors as E } from './applications.errors';

export interface EligibilityContext {
  now: Date;
  call: { status: string; measureCode: string; opensAt: Date; closesAt: Date; budgetOre: number; rules: CallRules };
  /** After a return for completion the officer's deadline replaces the call's. */
  completionDueAt: Date | null;
  /**
   * When the application was first submitted (null for a first submission): the declining share is that of the year
   * it was first sent, so a return for completion across New Year does not cost a first mover its share.
   */
  firstSubmittedAt: Date | null;
  /** Municipalities already held by another submitted application in the same call. */
  taken: Array<{ municipalityNumber: string; caseNumber: string }>;
}

/**
 * The eligibility rules (domain brief § 4), in one pure function over the application and its call's rules as data.
 * It returns every problem that blocks submission, in a fixed order, each with a field path, a stable code and a
 * message in plain words. No database, no clock of its own: the caller passes what it needs.
 */
export function checkEligibility(a: ApplicationContent, ctx: EligibilityContext): FieldProblem[] {
  return [
    ...window(ctx),
    ...required(a),
    ...period(a, ctx.call.rules),
    ...consortium(a, ctx),
    ...budgetLines(a, ctx.call.rules),
    ...financing(a, ctx),
    ...confirmations(a, ctx.call.rules),
    ...benefitPlan(a),
  ];
}

function window(ctx: EligibilityContext): FieldProblem[] {
  const now = ctx.now.getTime();
  if (ctx.completionDueAt) {
    if (now > ctx.completionDueAt.getTime()) {
      return [
        {
          field: 'completionDueAt',
          code: E.COMPLETION_DEADLINE_PASSED,
          message: `the deadline for completing the application was ${formatOsloShort(ctx.completionDueAt)}; ask the grant officer for a new deadline`,
        },
      ];
    }
    return [];
  }
  const { call } = ctx;
  // closed by the job that closes calls at their closing time: the applicant is told of the deadline, as just before that job ran
  const closedByDeadline = call.status === 'CLOSED' && now > call.closesAt.getTime();
  if (call.status !== 'PUBLISHED' && !closedByDeadline)
    return [{ field: 'call', code: E.CALL_NOT_PUBLISHED, message: `the call is ${call.status.toLowerCase()} and takes no applications` }];
  if (now < call.opensAt.getTime())
    return [{ field: 'call.opensAt', code: E.CALL_NOT_OPEN, message: `the call opens at ${formatOsloShort(call.opensAt)}` }];
  if (now > call.closesAt.getTime()) {
    return [
      {
        field: 'call.closesAt',
        code: E.DEADLINE_PASSED,
        message: `the deadline was ${formatOsloShort(call.closesAt)}; the call no longer accepts submissions`,
      },
    ];
  }
  return [];
}

function required(a: ApplicationContent): FieldProblem[] {
  const missing: Array<[string, string, boolean]> = [
    ['description', 'a project description', !a.description?.trim()],
    ['purpose', 'the purpose of the project', !a.purpose?.trim()],
    ['projectStart', 'the project start date', !a.projectStart],
    ['projectEnd', 'the project end date', !a.projectEnd],
    ['serviceAreas', 'at least one service area', a.serviceAreas.length === 0],
    ['budgetLines', 'at least one budget line', a.budgetLines.length === 0],
    ['requestedAmountOre', 'the requested amount', !a.requestedAmountOre],
    ['ownContributionOre', 'the own contribution (egenfinansiering), 0 if none', a.ownContributionOre === null],
    ['contactPersons', 'at least one contact person', a.contactPersons.length === 0],
    ['benefitPlan.indicators', 'a benefit plan with at least one indicator', a.benefitPlan.indicators.length === 0],
  ];
  return missing
    .filter(([, , isMissing]) => isMissing)
    .map(([field, what]) => ({ field, code: E.REQUIRED, message: `${what} is required` }));
}

function period(a: ApplicationContent, rules: CallRules): FieldProblem[] {
  if (!a.projectStart || !a.projectEnd) return [];
  const p = rules.projectPeriod;
  const out: FieldProblem[] = [];
  if (a.projectEnd < a.projectStart) {
    return [
      {
        field: 'projectEnd',
        code: E.PROJECT_ENDS_BEFORE_START,
        message: `the project ends (${a.projectEnd}) before it starts (${a.projectStart})`,
      },
    ];
  }
  if (a.projectStart < p.earliestStart)
    out.push({
      field: 'projectStart',
      code: E.PROJECT_STARTS_TOO_EARLY,
      message: `the project may start on ${p.earliestStart} at the earliest`,
    });
  if (a.projectEnd > p.latestEnd)
    out.push({ field: 'projectEnd', code: E.PROJECT_ENDS_TOO_LATE, message: `the project must end by ${p.latestEnd}` });
  const months = projectMonths(a.projectStart, a.projectEnd);
  if (months > p.maxMonths)
    out.push({
      field: 'projectEnd',
      code: E.PROJECT_TOO_LONG,
      message: `the project runs ${months} months; the call allows at most ${p.maxMonths}`,
    });
  return out;
}

/** Calendar months from start to end inclusive, a part month counted whole: 2026-01-01..2028-12-31 is 36. */
export function projectMonths(start: string, end: string): number {
  const [sy, sm, sd] = start.split('-').map(Number);
  const after = new Date(Date.UTC(+end.slice(0, 4), +end.slice(5, 7) - 1, +end.slice(8, 10) + 1));
  const [ey, em, ed] = [after.getUTCFullYear(), after.getUTCMonth() + 1, after.getUTCDate()];
  return (ey - sy) * 12 + (em - sm) + (ed > sd ? 1 : 0);
}

function consortium(a: ApplicationContent, ctx: EligibilityContext): FieldProblem[] {
  const rules = ctx.call.rules;
  const out: FieldProblem[] = [];
  a.consortium.members.forEach((m, i) => {
    if (consents(m)) return;
    out.push({
      field: `consortium.members[${i}]`,
      code: E.MEMBER_NOT_CONFIRMED,
      message: `${memberLabel(m)} has not confirmed its membership: an applicant of it confirms, or the lead submits its signed letter of intent (intensjonsavtale)`,
    });
  });
  // only members that have said yes count towards the call's rules
  const municipalities = a.consortium.members.filter((m) => m.municipalityNumber && consents(m));
  if (municipalities.length < rules.minMembers) {
    const n = municipalities.length;
    const confirmed = municipalities.length < a.consortium.members.filter((m) => m.municipalityNumber).length ? ' confirmed' : '';
    out.push({
      field: 'consortium.members',
      code: E.TOO_FEW_MEMBERS,
      message: `the consortium has ${n}${confirmed} ${n === 1 ? 'municipality' : 'municipalities'}; the call requires at least ${rules.minMembers}`,
    });
  }
  a.consortium.members.forEach((m, i) => {
    if (!m.municipalityNumber || !consents(m)) return;
    const label = municipalityLabel(m);
    if (m.healthRegion && rules.excludedHealthRegions.includes(m.healthRegion)) {
      out.push({
        field: `consortium.members[${i}]`,
        code: E.EXCLUDED_HEALTH_REGION,
        message: `${label} is in ${m.healthRegion}: ${m.healthRegion} municipalities cannot apply for ${ctx.call.measureCode}`,
      });
    }
  });
  if (rules.oneApplicationPerMunicipality) out.push(...municipalitiesTaken(a, ctx.taken));
  return out;
}

/** One application per municipality per call: members another submitted application already holds. */
export function municipalitiesTaken(a: ApplicationContent, taken: EligibilityContext['taken']): FieldProblem[] {
  const out: FieldProblem[] = [];
  a.consortium.members.forEach((m, i) => {
    const held = m.municipalityNumber && consents(m) && taken.find((t) => t.municipalityNumber === m.municipalityNumber);
    if (held) {
      out.push({
        field: `consortium.members[${i}]`,
        code: E.MUNICIPALITY_ALREADY_APPLIED,
        message: `${municipalityLabel(m)} is already a member of application ${held.caseNumber} in this call`,
      });
    }
  });
  return out;
}

/**
 * A member counts once it has consented: confirmed by its own applicant, or its letter of intent submitted (then the
 * officer checks the letter at the formal check). A version frozen before consent was recorded has no status.
 */
export function consents(m: { status?: string }): boolean {
  return m.status === undefined || m.status === 'CONFIRMED' || m.status === 'LETTER_SUBMITTED';
}

function memberLabel(m: { name: string; municipalityNumber: string | null }): string {
  return m.municipalityNumber ? municipalityLabel(m) : m.name;
}

function municipalityLabel(m: { name: string; municipalityNumber: string | null }): string {
  return `${m.name.replace(/ kommune$/, '')} (${m.municipalityNumber})`;
}

function budgetLines(a: ApplicationContent, rules: CallRules): FieldProblem[] {
  const out: FieldProblem[] = [];
  const [from, to] = [a.projectStart?.slice(0, 4), a.projectEnd?.slice(0, 4)].map((y) => (y ? Number(y) : undefined));
  a.budgetLines.forEach((l, i) => {
    const ineligible = rules.costCategories.ineligible.find((c) => c.code === l.costCategory);
    if (ineligible) {
      out.push({
        field: `budgetLines[${i}].costCategory`,
        code: E.INELIGIBLE_COST_CATEGORY,
        message: `budget line ${i + 1} uses ineligible category ${l.costCategory}: ${ineligible.reason}`,
      });
    } else if (!rules.costCategories.eligible.some((c) => c.code === l.costCategory)) {
      out.push({
        field: `budgetLines[${i}].costCategory`,
        code: E.COST_CATEGORY_NOT_IN_CALL,
        message: `budget line ${i + 1} uses category ${l.costCategory}, which this call does not fund (it funds ${rules.costCategories.eligible.map((c) => c.code).join(', ')})`,
      });
    }
    if (from !== undefined && to !== undefined && a.projectEnd! >= a.projectStart! && (l.year < from || l.year > to)) {
      out.push({
        field: `budgetLines[${i}].year`,
        code: E.BUDGET_YEAR_OUTSIDE_PROJECT,
        message: `budget line ${i + 1} is for ${l.year}, outside the project period ${from}–${to}`,
      });
    }
  });
  return out;
}

/** Costs the call funds: lines in an eligible category. A bigint: many safe-integer amounts need not sum to one. */
export function eligibleCostsOre(a: ApplicationContent, rules: CallRules): bigint {
  return sumOre(a.budgetLines.filter((l) => rules.costCategories.eligible.some((c) => c.code === l.costCategory)).map((l) => l.amountOre));
}

const sumOre = (amounts: number[]) => amounts.reduce((s, x) => s + BigInt(x), 0n);

function financing(a: ApplicationContent, ctx: EligibilityContext): FieldProblem[] {
  const rules = ctx.call.rules;
  const out: FieldProblem[] = [];
  const eligible = eligibleCostsOre(a, rules);
  const requested = BigInt(a.requestedAmountOre ?? 0);
  if (requested > 0n && eligible > 0n) {
    const year = osloYear(ctx.firstSubmittedAt ?? ctx.now);
    const allowed = maxShareFor(rules, year);
    if (requested * 10000n > eligible * BigInt(allowed)) {
      const byYear = allowed !== rules.maxGrantShareBp ? ` for applications submitted in ${year}` : '';
      out.push({
        field: 'requestedAmountOre',
        code: E.GRANT_SHARE_EXCEEDED,
        message: `requested amount is ${formatBpAsPercent(ratioBpRoundedUp(requested, eligible))} of eligible costs; the call allows ${formatBpAsPercent(allowed)}${byYear}`,
      });
    }
  }
  if (requested > BigInt(ctx.call.budgetOre)) {
    out.push({
      field: 'requestedAmountOre',
      code: E.REQUEST_EXCEEDS_CALL_BUDGET,
      message: `the requested amount of ${formatKroner(requested)} is more than the call's whole budget of ${formatKroner(ctx.call.budgetOre)}`,
    });
  }
  const other = a.otherPublicFunding;
  if (other.declared === null) {
    out.push({
      field: 'otherPublicFunding.declared',
      code: E.OTHER_FUNDING_NOT_DECLARED,
      message: 'declare whether other public funding covers any of these costs (true with the items, or false for none)',
    });
  } else if (other.declared && other.items.length === 0) {
    out.push({
      field: 'otherPublicFunding.items',
      code: E.OTHER_FUNDING_ITEMS_MISMATCH,
      message: 'other public funding is declared, but no funding is listed',
    });
  } else if (!other.declared && other.items.length > 0) {
    out.push({
      field: 'otherPublicFunding.items',
      code: E.OTHER_FUNDING_ITEMS_MISMATCH,
      message: `other public funding is declared as none, but ${other.items.length} item(s) are listed`,
    });
  }
  if (eligible > 0n && requested > 0n && a.ownContributionOre !== null) {
    const financed = requested + BigInt(a.ownContributionOre) + sumOre(other.items.map((x) => x.amountOre));
    const sum = `requested amount, own contribution and other public funding add up to ${formatKroner(financed)}`;
    if (financed < eligible) {
      out.push({
        field: 'ownContributionOre',
        code: E.FINANCING_GAP,
        message: `${sum}, but the eligible costs are ${formatKroner(eligible)}: the own contribution must cover the remaining ${formatKroner(eligible - financed)}`,
      });
    } else if (financed > eligible) {
      out.push({
        field: 'otherPublicFunding',
        code: E.DOUBLE_FUNDING,
        message: `${sum}, ${formatKroner(financed - eligible)} more than the eligible costs of ${formatKroner(eligible)}: the same cost may not be funded twice`,
      });
    }
  }
  return out;
}

function confirmations(a: ApplicationContent, rules: CallRules): FieldProblem[] {
  return rules.requiredConfirmations
    .filter((c) => !a.confirmations.includes(c.code))
    .map((c) => ({ field: `confirmations.${c.code}`, code: E.CONFIRMATION_MISSING, message: `confirm ${c.code}: "${c.text.nb}"` }));
}

function benefitPlan(a: ApplicationContent): FieldProblem[] {
  const out: FieldProblem[] = [];
  a.benefitPlan.indicators.forEach((x, i) => {
    const label = `indicator ${i + 1} (${x.name})`;
    if (x.baselineValue === null || !x.baselineDate) {
      out.push({
        field: `benefitPlan.indicators[${i}].${x.baselineValue === null ? 'baselineValue' : 'baselineDate'}`,
        code: E.BASELINE_MISSING,
        message: `${label} needs a baseline value and the date it was measured: without a baseline there is no evidence of benefit`,
      });
    }
    if (x.targetValue === null || x.targetYear === null) {
      out.push({
        field: `benefitPlan.indicators[${i}].${x.targetValue === null ? 'targetValue' : 'targetYear'}`,
        code: E.TARGET_MISSING,
        message: `${label} needs a target value and the year it is to be reached`,
      });
    }
  });
  return out;
}
