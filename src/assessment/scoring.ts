import { CallAssessmentRules, DEMO_ASSESSMENT } from '../calls/call-rules';
import { AssessmentErrors as E } from './assessment.errors';

/**
 * The scoring maths of the domain brief § 5, as pure functions over plain data: one assessment's weighted score,
 * an application's aggregate over its completed assessments (means, spread), and when the assessors disagree
 * enough for an officer to moderate. Scores are whole numbers on each criterion's scale, or N/A.
 */

export interface CriterionDef {
  code: string;
  weight: number;
  scaleMin: number;
  scaleMax: number;
  naAllowed: boolean;
}

/** One criterion's answer: a whole score, or null for N/A (not applicable). */
export type CriterionScores = Record<string, number | null>;

export type AssessmentRules = CallAssessmentRules;

/** The demo values (issue 10); a call whose rules have no assessment part uses these. */
export const DEMO_ASSESSMENT_RULES: AssessmentRules = DEMO_ASSESSMENT;

export function assessmentRulesOf(rules: { assessment?: Partial<AssessmentRules> | null }): AssessmentRules {
  return { ...DEMO_ASSESSMENT_RULES, ...(rules.assessment ?? {}) };
}

/**
 * Σ(score × weight) / Σ(weights of the scored criteria); N/A drops out of both sums. Null when every criterion is
 * N/A (nothing was scored).
 */
export function weightedScore(criteria: readonly CriterionDef[], scores: CriterionScores): number | null {
  let sum = 0;
  let weights = 0;
  for (const c of criteria) {
    const s = scores[c.code];
    if (s === null || s === undefined) continue;
    sum += s * c.weight;
    weights += c.weight;
  }
  return weights === 0 ? null : sum / weights;
}

export interface CriterionAggregate {
  code: string;
  /** Mean of the scores given (N/A left out); null when every assessor said N/A. */
  mean: number | null;
  /** Highest minus lowest score given; null with fewer than one score. */
  spread: number | null;
  /** The moderated score where an officer moderated (undefined: not moderated; null: moderated to N/A). */
  moderated?: number | null;
}

export interface ApplicationAggregate {
  /** Completed assessments counted. */
  assessments: number;
  /** Each completed assessment's weighted score, in the order given. */
  weightedScores: Array<number | null>;
  /** Mean of the completed assessments' weighted scores (those with any score). */
  meanScore: number | null;
  /** Highest minus lowest weighted score. */
  spread: number | null;
  criteria: CriterionAggregate[];
  /** The assessors disagree by more than the call's thresholds. */
  needsModeration: boolean;
  /** Why, in words, when it does. */
  moderationReasons: string[];
  /** The score that counts: the moderated one where moderated, else the mean. */
  score: number | null;
  moderated: boolean;
}

const EPSILON = 1e-9;

/**
 * An application's score from its completed assessments: the mean of their weighted scores with the spread, the
 * mean and spread per criterion, whether they disagree enough to moderate, and, once moderated, the weighted score
 * of the agreed per-criterion scores, which then counts.
 */
export function aggregate(
  criteria: readonly CriterionDef[],
  completed: readonly CriterionScores[],
  rules: Pick<AssessmentRules, 'moderationWeightedSpread' | 'moderationCriterionSpread'>,
  moderation?: CriterionScores | null,
): ApplicationAggregate {
  const weightedScores = completed.map((s) => weightedScore(criteria, s));
  const scored = weightedScores.filter((w): w is number => w !== null);
  const meanScore = scored.length ? scored.reduce((a, b) => a + b, 0) / scored.length : null;
  const spread = scored.length ? Math.max(...scored) - Math.min(...scored) : null;
  const reasons: string[] = [];
  if (spread !== null && spread > rules.moderationWeightedSpread + EPSILON) {
    reasons.push(`weighted scores differ by ${round2(spread)} (more than ${rules.moderationWeightedSpread})`);
  }
  const perCriterion = criteria.map((c): CriterionAggregate => {
    const given = completed.map((s) => s[c.code]).filter((x): x is number => x !== null && x !== undefined);
    const cSpread = given.length ? Math.max(...given) - Math.min(...given) : null;
    if (cSpread !== null && cSpread > rules.moderationCriterionSpread + EPSILON) {
      reasons.push(`${c.code} scores differ by ${cSpread} (more than ${rules.moderationCriterionSpread})`);
    }
    const agg: CriterionAggregate = {
      code: c.code,
      mean: given.length ? given.reduce((a, b) => a + b, 0) / given.length : null,
      spread: cSpread,
    };
    if (moderation) agg.moderated = moderation[c.code] ?? null;
    return agg;
  });
  const moderated = !!moderation;
  return {
    assessments: completed.length,
    weightedScores,
    meanScore,
    spread,
    criteria: perCriterion,
    needsModeration: completed.length >= 2 && reasons.length > 0,
    moderationReasons: completed.length >= 2 ? reasons : [],
    score: moderation ? weightedScore(criteria, moderation) : meanScore,
    moderated,
  };
}

/** Two decimals, for messages and views; the maths keeps full precision. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export interface ScoreProblem {
  code: string;
  message: string;
}

/** Whether one answer fits its criterion: a whole number on the scale, N/A only where allowed, a rationale where needed. */
export function checkScore(c: CriterionDef, score: number | null, rationale: string | null | undefined): ScoreProblem | null {
  const hasRationale = !!rationale && rationale.trim().length > 0;
  if (score === null) {
    if (!c.naAllowed) return { code: E.NOT_APPLICABLE_NOT_ALLOWED, message: `${c.code} must be scored; it cannot be marked N/A` };
    if (!hasRationale) return { code: E.RATIONALE_REQUIRED, message: `say why ${c.code} is not applicable` };
    return null;
  }
  if (!Number.isInteger(score) || score < c.scaleMin || score > c.scaleMax) {
    return { code: E.SCORE_OUT_OF_SCALE, message: `${c.code} takes a whole score from ${c.scaleMin} to ${c.scaleMax}` };
  }
  if ((score === c.scaleMin || score === c.scaleMax) && !hasRationale) {
    return { code: E.RATIONALE_REQUIRED, message: `a score at the end of the scale (${score}) needs a written rationale` };
  }
  return null;
}
