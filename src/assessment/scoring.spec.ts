import { aggregate, assessmentRulesOf, checkScore, CriterionDef, DEMO_ASSESSMENT_RULES, weightedScore } from './scoring';

// the demo criteria of the domain brief § 5, scale 1–7, N/A allowed
const criteria: CriterionDef[] = [
  { code: 'A', weight: 25, scaleMin: 1, scaleMax: 7, naAllowed: true },
  { code: 'B', weight: 20, scaleMin: 1, scaleMax: 7, naAllowed: true },
  { code: 'C', weight: 20, scaleMin: 1, scaleMax: 7, naAllowed: true },
  { code: 'D', weight: 15, scaleMin: 1, scaleMax: 7, naAllowed: true },
  { code: 'E', weight: 15, scaleMin: 1, scaleMax: 7, naAllowed: true },
  { code: 'F', weight: 5, scaleMin: 1, scaleMax: 7, naAllowed: true },
];

/**
 * Worked by hand:
 *   assessor 1: A6 B5 C5 D4 E4 F N/A  → (150+100+100+60+60) / (25+20+20+15+15)   = 470 / 95  = 4.947368…
 *   assessor 2: A5 B5 C4 D4 E3 F3     → (125+100+80+60+45+15) / 100             = 425 / 100 = 4.25
 *   assessor 3: A3 B2 C N/A D3 E2 F2  → (75+40+45+30+10) / (25+20+15+15+5)       = 200 / 80  = 2.5
 *   mean = (4.947368… + 4.25 + 2.5) / 3 = 11.697368… / 3 = 3.899123…
 *   spread = 4.947368… − 2.5 = 2.447368… > 1.5 → moderation
 *   per criterion: A (6+5+3)/3 = 4.6667 spread 3 (not more than 3); B (5+5+2)/3 = 4 spread 3; C (5+4)/2 = 4.5;
 *                  D 11/3 = 3.6667; E (4+3+2)/3 = 3; F (3+2)/2 = 2.5
 *   moderated: A5 B4 C4 D4 E3 F N/A → (125+80+80+60+45) / 95 = 390 / 95 = 4.105263… — counts instead of the mean
 */
const one = { A: 6, B: 5, C: 5, D: 4, E: 4, F: null };
const two = { A: 5, B: 5, C: 4, D: 4, E: 3, F: 3 };
const three = { A: 3, B: 2, C: null, D: 3, E: 2, F: 2 };
const agreed = { A: 5, B: 4, C: 4, D: 4, E: 3, F: null };

describe('weighted score', () => {
  it('drops N/A from both sums', () => {
    expect(weightedScore(criteria, one)).toBeCloseTo(470 / 95, 12);
    expect(weightedScore(criteria, two)).toBe(4.25);
    expect(weightedScore(criteria, three)).toBe(2.5);
  });

  it('is null when every criterion is N/A', () => {
    expect(weightedScore(criteria, { A: null, B: null, C: null, D: null, E: null, F: null })).toBeNull();
  });
});

describe('aggregate of three assessments and a moderation', () => {
  const rules = DEMO_ASSESSMENT_RULES;

  it('means, spreads and the moderation flag match the hand computation', () => {
    const a = aggregate(criteria, [one, two, three], rules);
    expect(a.assessments).toBe(3);
    expect(a.meanScore).toBeCloseTo((470 / 95 + 4.25 + 2.5) / 3, 12);
    expect(a.meanScore).toBeCloseTo(3.899123, 6);
    expect(a.spread).toBeCloseTo(470 / 95 - 2.5, 12);
    expect(a.criteria.map((c) => [c.code, c.mean === null ? null : Number(c.mean.toFixed(4)), c.spread])).toEqual([
      ['A', 4.6667, 3],
      ['B', 4, 3],
      ['C', 4.5, 1],
      ['D', 3.6667, 1],
      ['E', 3, 2],
      ['F', 2.5, 1],
    ]);
    expect(a.needsModeration).toBe(true);
    // a spread of exactly 3 on A and B is not "more than 3": only the weighted spread flags it
    expect(a.moderationReasons).toEqual(['weighted scores differ by 2.45 (more than 1.5)']);
    expect(a.score).toBe(a.meanScore);
  });

  it('once moderated, the agreed scores count and the originals stay', () => {
    const a = aggregate(criteria, [one, two, three], rules, agreed);
    expect(a.moderated).toBe(true);
    expect(a.score).toBeCloseTo(390 / 95, 12);
    expect(a.score).toBeCloseTo(4.105263, 6);
    expect(a.meanScore).toBeCloseTo(3.899123, 6);
    expect(a.criteria.find((c) => c.code === 'F')).toEqual({ code: 'F', mean: 2.5, spread: 1, moderated: null });
  });

  it('flags a criterion spread above its threshold even when the weighted scores agree', () => {
    const x = { A: 7, B: 4, C: 4, D: 4, E: 4, F: 4 }; // 175+80+80+60+60+20 = 475 → 4.75
    const y = { A: 3, B: 5, C: 5, D: 5, E: 5, F: 5 }; // 75+100+100+75+75+25 = 450 → 4.5
    const a = aggregate(criteria, [x, y], rules);
    expect(a.spread).toBeCloseTo(0.25, 12);
    expect(a.moderationReasons).toEqual(['A scores differ by 4 (more than 3)']);
    expect(a.needsModeration).toBe(true);
  });

  it('one assessment is never flagged', () => {
    expect(aggregate(criteria, [one], rules).needsModeration).toBe(false);
  });
});

describe('one answer against its criterion', () => {
  const c = criteria[0];
  it('accepts a whole score inside the scale without a rationale', () => expect(checkScore(c, 4, null)).toBeNull());
  it('asks a rationale at the ends of the scale and for N/A', () => {
    expect(checkScore(c, 7, '')?.code).toBe('RATIONALE_REQUIRED');
    expect(checkScore(c, 1, null)?.code).toBe('RATIONALE_REQUIRED');
    expect(checkScore(c, null, ' ')?.code).toBe('RATIONALE_REQUIRED');
    expect(checkScore(c, 7, 'Svært godt forankret')).toBeNull();
  });
  it('refuses scores off the scale and N/A where not allowed', () => {
    expect(checkScore(c, 8, 'x')?.code).toBe('SCORE_OUT_OF_SCALE');
    expect(checkScore(c, 0, 'x')?.code).toBe('SCORE_OUT_OF_SCALE');
    expect(checkScore(c, 4.5, 'x')?.code).toBe('SCORE_OUT_OF_SCALE');
    expect(checkScore({ ...c, naAllowed: false }, null, 'x')?.code).toBe('NOT_APPLICABLE_NOT_ALLOWED');
  });
});

describe('assessment thresholds from the call rules', () => {
  it('a call made before the assessment part existed gets the demo values', () => {
    expect(assessmentRulesOf({})).toEqual({
      moderationWeightedSpread: 1.5,
      moderationCriterionSpread: 3,
      minimumScore: 4.0,
      partialGrantMinShareBp: 5000,
      assessmentDays: 21,
      reminderDaysBefore: 3,
    });
    expect(assessmentRulesOf({ assessment: null })).toEqual(DEMO_ASSESSMENT_RULES);
  });
  it('a call’s own values hold', () => {
    expect(assessmentRulesOf({ assessment: { ...DEMO_ASSESSMENT_RULES, minimumScore: 5 } }).minimumScore).toBe(5);
  });
});
