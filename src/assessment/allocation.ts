import { AssessmentErrors as E } from './assessment.errors';

/**
 * The allocation proposal as a pure function: walk the ranking and give each application the most the rules allow
 * while the budget lasts; at the margin a partial grant (what is left) if at least the rules' share of the request
 * still fits; nothing below the minimum score or while the assessment is unfinished. Strictly by rank: once one
 * application could not be given all it may get, the budget counts as spent and nothing below it is funded, so a
 * smaller application further down never jumps the one at the margin. All money is whole øre (BigInt where products
 * could exceed 2^53).
 */

export type AllocationOutcome = 'FULL' | 'PARTIAL' | 'NONE';

export interface AllocationCandidate {
  applicationId: string;
  rank: number;
  score: number | null;
  /** Still awaiting an assessment or a moderation: not proposed for funding yet. */
  awaiting: boolean;
  requestedOre: number;
  maxAllowedOre: number;
}

export interface AllocationLine extends AllocationCandidate {
  proposedOre: number;
  outcome: AllocationOutcome;
  note: string;
}

export interface AllocationRules {
  minimumScore: number;
  partialGrantMinShareBp: number;
}

const EPSILON = 1e-9;

export function proposeAllocation(candidates: readonly AllocationCandidate[], budgetOre: number, rules: AllocationRules): AllocationLine[] {
  let remaining = budgetOre;
  let exhausted = false;
  const lines: AllocationLine[] = [];
  for (const c of [...candidates].sort((a, b) => a.rank - b.rank)) {
    const most = Math.min(c.requestedOre, c.maxAllowedOre);
    const line = (proposedOre: number, outcome: AllocationOutcome, note: string) => lines.push({ ...c, proposedOre, outcome, note });
    if (c.awaiting) line(0, 'NONE', 'awaiting assessment or moderation');
    else if (c.score === null || c.score < rules.minimumScore - EPSILON) line(0, 'NONE', `below the minimum score ${rules.minimumScore}`);
    else if (exhausted) line(0, 'NONE', 'the budget is spent on higher-ranked applications');
    else if (most <= remaining) {
      line(most, 'FULL', most < c.requestedOre ? 'the most the rules allow (grant share of eligible costs)' : 'the amount requested');
      remaining -= most;
    } else {
      exhausted = true;
      if (remaining > 0 && BigInt(remaining) * 10000n >= BigInt(c.requestedOre) * BigInt(rules.partialGrantMinShareBp)) {
        line(remaining, 'PARTIAL', `partial grant at the margin: what is left of the budget`);
        remaining = 0;
      } else {
        line(
          0,
          'NONE',
          `what is left of the budget (${remaining} øre) is less than ${rules.partialGrantMinShareBp / 100} % of the request`,
        );
      }
    }
  }
  return lines;
}

export interface LineChange {
  applicationId: string;
  amountOre: number;
}

export type AdjustmentProblem =
  | { code: typeof E.UNKNOWN_PROPOSAL_LINE; applicationId: string }
  | { code: typeof E.ABOVE_ALLOWED; applicationId: string; maxOre: number }
  | { code: typeof E.PROPOSAL_OVER_BUDGET; totalOre: number; budgetOre: number; overByOre: number };

/** The lines after an officer's changes, or why they cannot be: an amount above what the rules allow, or the budget exceeded. */
export function adjust(
  lines: readonly AllocationLine[],
  changes: readonly LineChange[],
  budgetOre: number,
): { lines: AllocationLine[]; total: number } | { problems: AdjustmentProblem[] } {
  const problems: AdjustmentProblem[] = [];
  const next = lines.map((l) => ({ ...l }));
  for (const ch of changes) {
    const l = next.find((x) => x.applicationId === ch.applicationId);
    if (!l) {
      problems.push({ code: E.UNKNOWN_PROPOSAL_LINE, applicationId: ch.applicationId });
      continue;
    }
    const most = Math.min(l.requestedOre, l.maxAllowedOre);
    if (ch.amountOre > most) problems.push({ code: E.ABOVE_ALLOWED, applicationId: l.applicationId, maxOre: most });
    l.proposedOre = ch.amountOre;
    l.outcome = ch.amountOre === 0 ? 'NONE' : ch.amountOre === most ? 'FULL' : 'PARTIAL';
  }
  const total = next.reduce((s, l) => s + l.proposedOre, 0);
  if (total > budgetOre) problems.push({ code: E.PROPOSAL_OVER_BUDGET, totalOre: total, budgetOre, overByOre: total - budgetOre });
  return problems.length ? { problems } : { lines: next, total };
}
