/**
 * The order applications of a call are considered in, as a pure function. Stated tie-break, so the same data always
 * gives the same list: higher score first; on equal scores the higher score on the heaviest criterion (the first
 * listed of the heaviest, if several weigh the same); then the earlier submission; then the lower case number.
 */
export const TIE_BREAK =
  'score, highest first; then the score on the heaviest criterion, highest first; then the earlier submission; then the lower case number';

export interface RankingInput {
  applicationId: string;
  caseNumber: string;
  /** The score that counts (moderated or mean); null while nothing is scored. */
  score: number | null;
  /** The application's (moderated or mean) score on the heaviest criterion; null if none. */
  heaviestCriterionScore: number | null;
  /** ISO instant of the submission that was assessed. */
  submittedAt: string;
}

export interface Ranked<T extends RankingInput> {
  rank: number;
  item: T;
}

const EPSILON = 1e-9;

/** Compares two numbers-or-null, higher first, null last; equal within floating-point noise. */
function desc(a: number | null, b: number | null): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (Math.abs(a - b) <= EPSILON) return 0;
  return b - a;
}

export function rank<T extends RankingInput>(items: readonly T[]): Ranked<T>[] {
  const sorted = [...items].sort(
    (a, b) =>
      desc(a.score, b.score) ||
      desc(a.heaviestCriterionScore, b.heaviestCriterionScore) ||
      Date.parse(a.submittedAt) - Date.parse(b.submittedAt) ||
      (a.caseNumber < b.caseNumber ? -1 : a.caseNumber > b.caseNumber ? 1 : 0),
  );
  return sorted.map((item, i) => ({ rank: i + 1, item }));
}

/** The most the rules allow: the grant share (basis points) of the eligible costs, rounded down to whole øre. */
export function maxAllowedOre(eligibleCostsOre: number, shareBp: number): number {
  return Number((BigInt(eligibleCostsOre) * BigInt(shareBp)) / 10000n);
}
