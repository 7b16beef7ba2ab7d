import { adjust, AllocationCandidate, proposeAllocation } from './allocation';
import { maxAllowedOre, rank } from './ranking';

const KR = 100; // øre per krone
const rules = { minimumScore: 4.0, partialGrantMinShareBp: 5000 };

describe('ranking with the stated tie-break', () => {
  const base = { heaviestCriterionScore: 5, submittedAt: '2026-03-01T10:00:00Z' };
  it('orders by score, then the heaviest criterion, then the earlier submission, then the case number', () => {
    const ranked = rank([
      { ...base, applicationId: 'late', caseNumber: '2026/00004', score: 5, submittedAt: '2026-03-02T10:00:00Z' },
      { ...base, applicationId: 'low', caseNumber: '2026/00001', score: 3 },
      { ...base, applicationId: 'heavy', caseNumber: '2026/00005', score: 5, heaviestCriterionScore: 6 },
      { ...base, applicationId: 'unscored', caseNumber: '2026/00002', score: null, heaviestCriterionScore: null },
      { ...base, applicationId: 'early-b', caseNumber: '2026/00007', score: 5 },
      { ...base, applicationId: 'early-a', caseNumber: '2026/00006', score: 5 },
      { ...base, applicationId: 'top', caseNumber: '2026/00003', score: 6.2 },
    ]);
    expect(ranked.map((r) => `${r.rank}:${r.item.applicationId}`)).toEqual([
      '1:top',
      '2:heavy',
      '3:early-a',
      '4:early-b',
      '5:late',
      '6:low',
      '7:unscored',
    ]);
  });

  it('treats scores equal within floating-point noise as equal', () => {
    const ranked = rank([
      { ...base, applicationId: 'b', caseNumber: '2', score: 0.1 + 0.2, heaviestCriterionScore: 4 },
      { ...base, applicationId: 'a', caseNumber: '1', score: 0.3, heaviestCriterionScore: 5 },
    ]);
    expect(ranked.map((r) => r.item.applicationId)).toEqual(['a', 'b']);
  });

  it('the most the rules allow is the grant share of eligible costs, rounded down to whole øre', () => {
    expect(maxAllowedOre(8_000_000 * KR, 5000)).toBe(4_000_000 * KR);
    expect(maxAllowedOre(333, 4500)).toBe(149); // 149.85 → 149
  });
});

/**
 * Budget 10 000 000 kr, worked by hand:
 *   1  score 6.0  asks 4 500 000, rules allow 4 000 000 → FULL 4 000 000   left 6 000 000
 *   2  score 5.5  asks 3 000 000                        → FULL 3 000 000   left 3 000 000
 *   3  score 5.0  asks 5 000 000; 3 000 000 ≥ 50 % of 5 000 000 → PARTIAL 3 000 000   left 0
 *   4  score 4.5  asks 1 000 000                        → NONE (budget spent)
 *   5  score 4.2  awaiting moderation                   → NONE
 *   6  score 3.5  asks   500 000                        → NONE (below 4.0)
 *   total 10 000 000 ≤ budget
 */
describe('allocation proposal on a call whose budget runs out in the middle of the list', () => {
  const budget = 10_000_000 * KR;
  const candidates: AllocationCandidate[] = [
    { applicationId: 'a1', rank: 1, score: 6.0, awaiting: false, requestedOre: 4_500_000 * KR, maxAllowedOre: 4_000_000 * KR },
    { applicationId: 'a2', rank: 2, score: 5.5, awaiting: false, requestedOre: 3_000_000 * KR, maxAllowedOre: 3_000_000 * KR },
    { applicationId: 'a3', rank: 3, score: 5.0, awaiting: false, requestedOre: 5_000_000 * KR, maxAllowedOre: 5_000_000 * KR },
    { applicationId: 'a4', rank: 4, score: 4.5, awaiting: false, requestedOre: 1_000_000 * KR, maxAllowedOre: 1_000_000 * KR },
    { applicationId: 'a5', rank: 5, score: 4.2, awaiting: true, requestedOre: 1_000_000 * KR, maxAllowedOre: 1_000_000 * KR },
    { applicationId: 'a6', rank: 6, score: 3.5, awaiting: false, requestedOre: 500_000 * KR, maxAllowedOre: 500_000 * KR },
  ];

  it('full grants above, one partial at the margin, none below; within the budget', () => {
    const lines = proposeAllocation(candidates, budget, rules);
    expect(lines.map((l) => [l.applicationId, l.outcome, l.proposedOre / KR])).toEqual([
      ['a1', 'FULL', 4_000_000],
      ['a2', 'FULL', 3_000_000],
      ['a3', 'PARTIAL', 3_000_000],
      ['a4', 'NONE', 0],
      ['a5', 'NONE', 0],
      ['a6', 'NONE', 0],
    ]);
    expect(lines.map((l) => l.note)).toEqual([
      'the most the rules allow (grant share of eligible costs)',
      'the amount requested',
      'partial grant at the margin: what is left of the budget',
      'the budget is spent on higher-ranked applications',
      'awaiting assessment or moderation',
      'below the minimum score 4',
    ]);
    expect(lines.reduce((s, l) => s + l.proposedOre, 0)).toBe(budget);
  });

  it('no partial grant when less than the share of the request is left', () => {
    // 6 000 000 left after a1 and a2 at 2 000 000 each … a3 asks 13 000 000: 6 000 000 < 6 500 000 → none
    const lines = proposeAllocation(
      [
        { ...candidates[0], requestedOre: 2_000_000 * KR, maxAllowedOre: 2_000_000 * KR },
        { ...candidates[1], requestedOre: 2_000_000 * KR, maxAllowedOre: 2_000_000 * KR },
        { ...candidates[2], requestedOre: 13_000_000 * KR, maxAllowedOre: 13_000_000 * KR },
        candidates[3],
      ],
      budget,
      rules,
    );
    expect(lines.map((l) => [l.outcome, l.proposedOre / KR])).toEqual([
      ['FULL', 2_000_000],
      ['FULL', 2_000_000],
      ['NONE', 0],
      ['NONE', 0],
    ]);
  });

  it('an adjustment above the budget is refused with the amount over; within it, a new set of lines', () => {
    const lines = proposeAllocation(candidates, budget, rules);
    expect(adjust(lines, [{ applicationId: 'a4', amountOre: 1_000_000 * KR }], budget)).toEqual({
      problems: [{ code: 'PROPOSAL_OVER_BUDGET', totalOre: 11_000_000 * KR, budgetOre: budget, overByOre: 1_000_000 * KR }],
    });
    const ok = adjust(
      lines,
      [
        { applicationId: 'a3', amountOre: 2_000_000 * KR },
        { applicationId: 'a4', amountOre: 1_000_000 * KR },
      ],
      budget,
    );
    expect('lines' in ok && ok.lines.map((l) => [l.applicationId, l.outcome, l.proposedOre / KR])).toEqual([
      ['a1', 'FULL', 4_000_000],
      ['a2', 'FULL', 3_000_000],
      ['a3', 'PARTIAL', 2_000_000],
      ['a4', 'FULL', 1_000_000],
      ['a5', 'NONE', 0],
      ['a6', 'NONE', 0],
    ]);
    expect('total' in ok && ok.total).toBe(budget);
  });

  it('never above what the rules allow for one application', () => {
    const lines = proposeAllocation(candidates, budget, rules);
    expect(adjust(lines, [{ applicationId: 'a1', amountOre: 4_500_000 * KR }], 100_000_000 * KR)).toEqual({
      problems: [{ code: 'ABOVE_ALLOWED', applicationId: 'a1', maxOre: 4_000_000 * KR }],
    });
  });
});
