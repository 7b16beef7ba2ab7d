import { FULL_BP } from '../../common/money';
import { DecimalString } from '../../common/decimal';

/** One line of the approved budget (eligible costs) in force: a cost category and year, in øre. */
export interface TermsBudgetLine {
  costCategory: string;
  year: number;
  amountOre: number;
  description: string;
}

export interface TermsMember {
  organisationId: string;
  municipalityNumber: string | null;
  name: string;
  role: 'LEAD' | 'MEMBER' | 'HEALTH_TRUST';
  healthRegion: string | null;
}

/** An indicator of the benefit plan in force; the baseline and target it was granted with stay beside the new target. */
export interface TermsIndicator {
  indicatorId: string;
  name: string;
  unit: string;
  baselineValue: DecimalString | null;
  baselineDate: string | null;
  targetValue: DecimalString | null;
  targetYear: number | null;
  /** The target of the grant as decided (null: an indicator a change added). */
  originalTargetValue: DecimalString | null;
  originalTargetYear: number | null;
  /** Whether a change added it (it has no baseline from the application). */
  added: boolean;
}

/** A version of the grant's terms: 1 is the grant as decided; each approved change request makes the next. */
export interface GrantTerms {
  version: number;
  validFrom: string;
  projectEnd: string | null;
  budgetLines: TermsBudgetLine[];
  members: TermsMember[];
  indicators: TermsIndicator[];
  changeRequestId: string | null;
}

/** The version in force on `date` (YYYY-MM-DD): the latest valid from that day or before; the decided terms before any. */
export function inForceAt(history: readonly GrantTerms[], date: string): GrantTerms {
  let found = history[0];
  for (const t of history) if (t.validFrom <= date && t.version >= found.version) found = t;
  return found;
}

/** What a budget change moves: the sum of the increases between the lines (by category and year), in øre. */
export function movedOre(before: readonly TermsBudgetLine[], after: readonly TermsBudgetLine[]): number {
  const key = (l: TermsBudgetLine) => `${l.costCategory}|${l.year}`;
  const sums = new Map<string, number>();
  for (const l of before) sums.set(key(l), (sums.get(key(l)) ?? 0) - l.amountOre);
  for (const l of after) sums.set(key(l), (sums.get(key(l)) ?? 0) + l.amountOre);
  let moved = 0;
  for (const v of sums.values()) if (v > 0) moved += v;
  return moved;
}

/** Whether a move of `moved` øre is more than `thresholdBp` of the granted amount (exact, in integers). */
export function aboveThreshold(moved: number, grantedOre: number, thresholdBp: number): boolean {
  return BigInt(moved) * BigInt(FULL_BP) > BigInt(grantedOre) * BigInt(thresholdBp);
}
