import { FieldProblem } from '../common/problem';
import { CallErrors } from './calls.errors';

/**
 * A call's rules are data: the eligibility check, the assessment, the payment plan and the report schedule all read
 * them from the call, so a new call year or measure is configuration, not code.
 */
export interface CallRules {
  /** Municipalities (not counting health trusts) a consortium needs, the lead included. */
  minMembers: number;
  /** A municipality may be in only one submitted application per call. */
  oneApplicationPerMunicipality: boolean;
  /** Municipalities of these health regions may not apply (Helse Midt-Norge has Helseplattformen). */
  excludedHealthRegions: string[];
  /** Highest grant share of eligible costs, in basis points (5000 = 50 %). */
  maxGrantShareBp: number;
  /** Declining share by the year an application is submitted (Oslo); the latest year not after it applies. */
  grantShareByYear: Array<{ year: number; maxShareBp: number }>;
  requiredConfirmations: Array<{ code: string; text: { nb: string; nn: string } }>;
  costCategories: {
    eligible: Array<{ code: string; label: string }>;
    ineligible: Array<{ code: string; reason: string }>;
  };
  criteria: Array<{
    code: string;
    name: string;
    description: string;
    weight: number;
    scaleMin: number;
    scaleMax: number;
    naAllowed: boolean;
  }>;
  reportSchedule: { progressReportDue: string; finalReportMonthsAfterEnd: number };
  paymentPlan: Array<{ trigger: PaymentTrigger; shareBp: number }>;
  projectPeriod: { earliestStart: string; latestEnd: string; maxMonths: number };
  /**
   * Thresholds of the assessment (moderation, minimum score, partial grants, deadlines). Optional: calls made before
   * it existed use DEMO_ASSESSMENT (src/assessment reads it through its defaults).
   */
  assessment?: CallAssessmentRules;
  /**
   * The legal basis, standard conditions, acceptance deadline and appeal body of the call's decisions. Optional: calls
   * made before it existed use DEMO_DECISIONS (src/decisions reads it through decisionRulesOf).
   */
  decisions?: CallDecisionRules;
  /**
   * What the grant's follow-up reports hold: the narrative sections with their length limits. Optional: calls made
   * before it existed use DEMO_REPORTS (src/grants/reports reads it through reportRulesOf).
   */
  reports?: CallReportRules;
  /**
   * When a change request (endringssøknad) needs an approver besides the officer. Optional: calls made before it
   * existed use DEMO_CHANGES (src/grants/changes reads it through changeRulesOf).
   */
  changes?: CallChangeRules;
}

export interface CallChangeRules {
  /** A budget change moving more than this share of the granted amount (basis points) needs an approver too. */
  secondApprovalAboveBp: number;
  /** Any member leaving or joining needs an approver too. */
  secondApprovalOnMemberChange: boolean;
}

/** Demo: moving more than 10 % of the grant, or any change of members. */
export const DEMO_CHANGES: CallChangeRules = { secondApprovalAboveBp: 1000, secondApprovalOnMemberChange: true };

/** A call's change rules, or the demo's for a call made before they existed. */
export function changeRulesOf(rules: { changes?: CallChangeRules | null }): CallChangeRules {
  return rules.changes ?? DEMO_CHANGES;
}

export interface CallReportRules {
  /** The narrative sections of every progress and final report, each with its length limit (characters). */
  sections: Array<{ code: string; title: { nb: string; nn: string }; maxLength: number }>;
  /** Length limit of the final report's benefit-realisation summary (characters). */
  benefitSummaryMaxLength: number;
}

export const DEMO_REPORTS: CallReportRules = {
  sections: [
    { code: 'PROGRESS', title: { nb: 'Framdrift mot planen', nn: 'Framdrift mot planen' }, maxLength: 8000 },
    { code: 'DEVIATIONS', title: { nb: 'Avvik og tiltak', nn: 'Avvik og tiltak' }, maxLength: 4000 },
    { code: 'RISKS', title: { nb: 'Risiko', nn: 'Risiko' }, maxLength: 4000 },
    { code: 'SHARING', title: { nb: 'Deling av erfaringer', nn: 'Deling av erfaringar' }, maxLength: 4000 },
  ],
  benefitSummaryMaxLength: 8000,
};

/** A call's report rules, or the demo's for a call made before they existed. */
export function reportRulesOf(rules: { reports?: CallReportRules | null }): CallReportRules {
  return rules.reports ?? DEMO_REPORTS;
}

export interface CallDecisionRules {
  /** What every decision of the call rests on (forvaltningsloven § 25: the rules the decision is based on). */
  legalBasis: { nb: string; nn: string };
  /** Conditions every grant of the call carries, in both written languages; the letter shows the lead's. */
  standardConditions: Array<{ code: string; text: { nb: string; nn: string } }>;
  /** Weeks the lead municipality has to accept the conditions after the letter was sent (counted as legal deadlines are). */
  acceptanceWeeks: number;
  /** Days before the acceptance deadline the consortium's contacts are reminded. */
  acceptanceReminderDays: number;
  /** Who decides an appeal the directorate upholds (forvaltningsloven § 28: the next level up). */
  appealBody: { nb: string; nn: string };
}

export const DEMO_DECISIONS: CallDecisionRules = {
  legalBasis: {
    nb: 'Regelverk for Helseteknologiordningen og kriteriene i utlysningen, jf. Prop. 1 S kap. 701 post 21, og forvaltningsloven §§ 24 og 25',
    nn: 'Regelverk for Helseteknologiordninga og kriteria i utlysinga, jf. Prop. 1 S kap. 701 post 21, og forvaltningslova §§ 24 og 25',
  },
  standardConditions: [
    {
      code: 'PURPOSE',
      text: {
        nb: 'Tilskuddet skal bare brukes til formålet og de kostnadene som er beskrevet i søknaden og godkjent i dette vedtaket.',
        nn: 'Tilskotet skal berre brukast til føremålet og dei kostnadene som er skildra i søknaden og godkjende i dette vedtaket.',
      },
    },
    {
      code: 'REPORTING',
      text: {
        nb: 'Tilskuddsmottaker skal rapportere om framdrift, økonomi og gevinster innen fristene i dette brevet.',
        nn: 'Tilskotsmottakaren skal rapportere om framdrift, økonomi og gevinstar innan fristane i dette brevet.',
      },
    },
    {
      code: 'CHANGES',
      text: {
        nb: 'Vesentlige endringer i prosjektet skal meldes og godkjennes før de gjennomføres.',
        nn: 'Vesentlege endringar i prosjektet skal meldast og godkjennast før dei blir gjennomførte.',
      },
    },
  ],
  acceptanceWeeks: 3,
  acceptanceReminderDays: 5,
  appealBody: { nb: 'Helse- og omsorgsdepartementet', nn: 'Helse- og omsorgsdepartementet' },
};

export interface CallAssessmentRules {
  /** Completed assessments whose weighted scores differ by more than this are flagged for moderation. */
  moderationWeightedSpread: number;
  /** ... or whose scores on any one criterion differ by more than this. */
  moderationCriterionSpread: number;
  /** An application scoring below this gets nothing in an allocation proposal. */
  minimumScore: number;
  /** A partial grant at the margin only when at least this share of the request still fits (basis points). */
  partialGrantMinShareBp: number;
  /** Days an assessor has from assignment when the officer gives no deadline. */
  assessmentDays: number;
  /** Days before the assessment deadline an assessor with an unfinished assessment is reminded. */
  reminderDaysBefore: number;
}

export const DEMO_ASSESSMENT: CallAssessmentRules = {
  moderationWeightedSpread: 1.5,
  moderationCriterionSpread: 3,
  minimumScore: 4.0,
  partialGrantMinShareBp: 5000,
  assessmentDays: 21,
  reminderDaysBefore: 3,
};

export const PAYMENT_TRIGGERS = ['ACCEPTANCE', 'PROGRESS_REPORT_APPROVED', 'FINAL_REPORT_APPROVED'] as const;
export type PaymentTrigger = (typeof PAYMENT_TRIGGERS)[number];

/** What the scheme never funds, whatever a call says (domain brief § 3). */
export const NEVER_ELIGIBLE: ReadonlyArray<{ code: string; reason: string }> = [
  { code: 'NORMAL_DRIFT', reason: 'ordinary operation of the solution (normal drift) is never eligible' },
  { code: 'DAGLIG_BRUKEROPPFOLGING', reason: 'daily user follow-up is never eligible' },
  { code: 'OPPLAERING_NYANSATTE', reason: 'training of new hires is never eligible' },
  { code: 'JOURNALLOSNING_KJOP', reason: 'buying or licensing the journal solution itself is never eligible' },
  { code: 'LEVERANDORUTVIKLING', reason: 'supplier development or platform purchase is never eligible' },
  { code: 'SKATTEFORDEL', reason: 'tax advantages are never eligible' },
  { code: 'NASJONAL_TILKOBLING', reason: 'connection to national e-health solutions as such is never eligible' },
  { code: 'REFUSJON_HELSETJENESTER', reason: 'reimbursement of care services is never eligible' },
];

export const ELIGIBLE_BY_MEASURE: Record<string, Array<{ code: string; label: string }>> = {
  SAMORDNET_ANSKAFFELSE: [
    { code: 'BEHOVSBESKRIVELSE', label: 'joint needs description' },
    { code: 'LEVERANDORDIALOG', label: 'supplier dialogue' },
    { code: 'KONKURRANSE', label: 'competition and tendering' },
    { code: 'STANDARDARBEID', label: 'standards work' },
    { code: 'KONSOLIDERINGSPLANLEGGING', label: 'consolidation planning' },
  ],
  INNFORING: [
    { code: 'PROSESSENDRING', label: 'process change at replacement, upgrade or consolidation' },
    { code: 'SAMHANDLINGSFUNKSJONALITET', label: 'implementing new collaboration functionality' },
    { code: 'TEKNISK_MILJO', label: 'technical environment, incl. move to cloud and test/approval solutions' },
    { code: 'STANDARDARBEID', label: 'standards work' },
    { code: 'OPPLAERING', label: 'training' },
    { code: 'VIKARER', label: 'substitute staff while staff train' },
    { code: 'ENDRINGSKOMPETANSE', label: 'hired change competence' },
    { code: 'PROSJEKTLEDER', label: 'a shared project manager' },
    { code: 'KOMPETANSEKJOP', label: 'buying out competence from partner municipalities' },
    { code: 'MIGRERING', label: 'migration' },
    { code: 'GEVINSTREALISERING', label: 'benefits-realisation work' },
  ],
};

export const DEMO_CONFIRMATIONS: CallRules['requiredConfirmations'] = [
  {
    code: 'NATIONAL_SOLUTIONS',
    text: { nb: 'Løsningen støtter nasjonale samhandlingsløsninger', nn: 'Løysinga støttar nasjonale samhandlingsløysingar' },
  },
  {
    code: 'MANDATORY_STANDARDS',
    text: {
      nb: 'Obligatoriske standarder følges (forskrift om standarder og nasjonale e-helseløsninger, Referansekatalogen)',
      nn: 'Obligatoriske standardar blir følgde (forskrift om standarder og nasjonale e-helseløsninger, Referansekatalogen)',
    },
  },
  { code: 'NORMEN', text: { nb: 'Normen for informasjonssikkerhet etterleves', nn: 'Normen for informasjonstryggleik blir etterlevd' } },
  {
    code: 'DPIA_ROS',
    text: { nb: 'DPIA og risikovurdering (ROS) er gjort eller planlagt', nn: 'DPIA og risikovurdering (ROS) er gjord eller planlagd' },
  },
];

export const DEMO_CRITERIA: CallRules['criteria'] = [
  {
    code: 'BEHOV_FORANKRING',
    name: 'Sammenfallende behov og forankring',
    description: 'Coinciding needs and leadership anchoring',
    weight: 25,
    scaleMin: 1,
    scaleMax: 7,
    naAllowed: true,
  },
  {
    code: 'BREDDE',
    name: 'Samarbeidets bredde',
    description: 'Number of members, population, small municipalities included, health trust joined',
    weight: 20,
    scaleMin: 1,
    scaleMax: 7,
    naAllowed: true,
  },
  {
    code: 'STANDARDER',
    name: 'Standarder og nasjonale samhandlingsløsninger',
    description: 'Standards and national collaboration solutions',
    weight: 20,
    scaleMin: 1,
    scaleMax: 7,
    naAllowed: true,
  },
  {
    code: 'GJENNOMFORING',
    name: 'Gjennomføringsevne',
    description: 'Plan, organisation, competence, risk',
    weight: 15,
    scaleMin: 1,
    scaleMax: 7,
    naAllowed: true,
  },
  {
    code: 'GEVINST',
    name: 'Gevinstrealisering',
    description: 'Benefit map with baselines and measurable indicators',
    weight: 15,
    scaleMin: 1,
    scaleMax: 7,
    naAllowed: true,
  },
  {
    code: 'DELING',
    name: 'Deling og overføringsverdi',
    description: 'Experience sharing, reuse by others',
    weight: 5,
    scaleMin: 1,
    scaleMax: 7,
    naAllowed: true,
  },
];

/** The demo configuration of the domain brief for a measure; a new call starts from it unless it sends its own rules. */
export function demoRules(measureCode: string): CallRules {
  return {
    minMembers: 2,
    oneApplicationPerMunicipality: true,
    excludedHealthRegions: measureCode === 'SAMORDNET_ANSKAFFELSE' ? ['Helse Midt-Norge'] : [],
    maxGrantShareBp: 5000,
    grantShareByYear: [
      { year: 2025, maxShareBp: 5000 },
      { year: 2026, maxShareBp: 4500 },
      { year: 2027, maxShareBp: 4000 },
    ],
    requiredConfirmations: DEMO_CONFIRMATIONS,
    costCategories: { eligible: ELIGIBLE_BY_MEASURE[measureCode] ?? [], ineligible: [...NEVER_ELIGIBLE] },
    criteria: DEMO_CRITERIA,
    reportSchedule: { progressReportDue: '03-01', finalReportMonthsAfterEnd: 3 },
    paymentPlan: [
      { trigger: 'ACCEPTANCE', shareBp: 5000 },
      { trigger: 'PROGRESS_REPORT_APPROVED', shareBp: 3000 },
      { trigger: 'FINAL_REPORT_APPROVED', shareBp: 2000 },
    ],
    projectPeriod: { earliestStart: '2025-01-01', latestEnd: '2028-12-31', maxMonths: 36 },
    assessment: { ...DEMO_ASSESSMENT },
    decisions: { ...DEMO_DECISIONS },
    reports: { ...DEMO_REPORTS },
    changes: { ...DEMO_CHANGES },
  };
}

/** A call's decision rules, or the demo's for a call made before they existed. */
export function decisionRulesOf(rules: CallRules): CallDecisionRules {
  return rules.decisions ?? DEMO_DECISIONS;
}

/** The never-eligible list always applies: a call may add to it, never take from it. */
export function withNeverEligible(rules: CallRules): CallRules {
  const ineligible = [...rules.costCategories.ineligible];
  for (const n of NEVER_ELIGIBLE) if (!ineligible.some((i) => i.code === n.code)) ineligible.push(n);
  return { ...rules, costCategories: { ...rules.costCategories, ineligible } };
}

/** The share that applies to an application submitted in `year`, in basis points. */
export function maxShareFor(rules: CallRules, year: number): number {
  const applicable = rules.grantShareByYear.filter((y) => y.year <= year).sort((a, b) => b.year - a.year)[0];
  return applicable ? Math.min(applicable.maxShareBp, rules.maxGrantShareBp) : rules.maxGrantShareBp;
}

/** Consistency of a call's rules and window, every problem by field. */
export function checkCallContent(c: { opensAt: Date; closesAt: Date; rules: CallRules }, prefix = 'rules'): FieldProblem[] {
  const r = c.rules;
  const problems: FieldProblem[] = [];
  const add = (field: string, code: string, message: string) =>
    problems.push({ field: field ? `${prefix}.${field}` : prefix, code, message });
  if (c.closesAt.getTime() <= c.opensAt.getTime()) {
    problems.push({ field: 'closesAt', code: CallErrors.CLOSES_BEFORE_OPENING, message: 'the call must close after it opens' });
  }
  const paid = r.paymentPlan.reduce((s, p) => s + p.shareBp, 0);
  if (paid !== 10000)
    add(
      'paymentPlan',
      CallErrors.PAYMENT_PLAN_NOT_WHOLE,
      `the payment plan shares add up to ${paid} basis points; they must add up to 10000 (100 %)`,
    );
  duplicates(r.paymentPlan.map((p) => p.trigger)).forEach((i) =>
    add(`paymentPlan[${i}].trigger`, CallErrors.DUPLICATE, `${r.paymentPlan[i].trigger} is listed twice`),
  );
  duplicates(r.criteria.map((x) => x.code)).forEach((i) =>
    add(`criteria[${i}].code`, CallErrors.DUPLICATE, `criterion ${r.criteria[i].code} is listed twice`),
  );
  r.criteria.forEach((x, i) => {
    if (x.scaleMax <= x.scaleMin)
      add(`criteria[${i}].scaleMax`, CallErrors.INVALID_SCALE, `the scale of ${x.code} must go up from ${x.scaleMin}`);
  });
  duplicates(r.requiredConfirmations.map((x) => x.code)).forEach((i) =>
    add(`requiredConfirmations[${i}].code`, CallErrors.DUPLICATE, `confirmation ${r.requiredConfirmations[i].code} is listed twice`),
  );
  duplicates((r.reports?.sections ?? []).map((x) => x.code)).forEach((i) =>
    add(`reports.sections[${i}].code`, 'DUPLICATE', `report section ${r.reports!.sections[i].code} is listed twice`),
  );
  duplicates(r.grantShareByYear.map((x) => String(x.year))).forEach((i) =>
    add(`grantShareByYear[${i}].year`, CallErrors.DUPLICATE, `${r.grantShareByYear[i].year} is listed twice`),
  );
  duplicates(r.costCategories.eligible.map((x) => x.code)).forEach((i) =>
    add(`costCategories.eligible[${i}].code`, CallErrors.DUPLICATE, `${r.costCategories.eligible[i].code} is listed twice`),
  );
  r.costCategories.eligible.forEach((e, i) => {
    const never = NEVER_ELIGIBLE.find((n) => n.code === e.code);
    if (never) add(`costCategories.eligible[${i}].code`, CallErrors.NEVER_ELIGIBLE, `${e.code} cannot be eligible: ${never.reason}`);
    else if (r.costCategories.ineligible.some((n) => n.code === e.code)) {
      add(
        `costCategories.eligible[${i}].code`,
        CallErrors.BOTH_ELIGIBLE_AND_INELIGIBLE,
        `${e.code} is listed as both eligible and ineligible`,
      );
    }
  });
  if (r.projectPeriod.latestEnd <= r.projectPeriod.earliestStart) {
    add(
      'projectPeriod.latestEnd',
      CallErrors.PERIOD_ENDS_BEFORE_START,
      'the latest project end must come after the earliest project start',
    );
  }
  return problems;
}

function duplicates(values: string[]): number[] {
  return values.map((v, i) => (values.indexOf(v) !== i ? i : -1)).filter((i) => i >= 0);
}
