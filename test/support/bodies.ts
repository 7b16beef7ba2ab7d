import { CallRules, demoRules, ELIGIBLE_BY_MEASURE } from '../../src/calls/call-rules';

/**
 * Request bodies of a call and of a complete application, shared by the tests (through fixtures.ts) and the
 * benchmark harness. Plain data: no test framework here.
 */

const DAY = 86400000;
export const THIS_YEAR = new Date().getUTCFullYear();

/** Rules of a test call: the demo configuration without the declining rate (50 % whatever the year). */
export function testRules(measureCode = 'INNFORING', overrides: Partial<CallRules> = {}): CallRules {
  return {
    ...demoRules(measureCode),
    grantShareByYear: [],
    projectPeriod: { earliestStart: `${THIS_YEAR}-01-01`, latestEnd: `${THIS_YEAR + 4}-12-31`, maxMonths: 36 },
    ...overrides,
  };
}

export function callBody(overrides: Record<string, unknown> = {}) {
  const measureCode = (overrides.measureCode as string) ?? 'INNFORING';
  return {
    measureCode,
    title: { nb: `Testutlysning ${measureCode}`, nn: `Testutlysing ${measureCode}` },
    text: { nb: 'Tekst på bokmål.', nn: 'Tekst på nynorsk.' },
    budgetOre: 4_000_000_000,
    opensAt: new Date(Date.now() - 30 * DAY).toISOString(),
    closesAt: new Date(Date.now() + 180 * DAY).toISOString(),
    rules: testRules(measureCode),
    ...overrides,
  };
}

/**
 * A draft that passes every rule of a call made with callBody (createCall in the tests): 2 000 000 kr of eligible costs over two years,
 * 1 000 000 kr requested (50 %), the rest own contribution, every confirmation, one indicator with baseline and target.
 */
export function completeDraft(callId: string, consortiumId: string, measureCode = 'INNFORING', overrides: Record<string, unknown> = {}) {
  const [first, second] = ELIGIBLE_BY_MEASURE[measureCode];
  return {
    callId,
    consortiumId,
    title: 'Felles journalløsning i regionen',
    description: 'Kommunene går sammen om å innføre ny journalløsning.',
    purpose: 'Bedre samhandling og mindre dobbeltarbeid.',
    projectStart: `${THIS_YEAR + 1}-01-01`,
    projectEnd: `${THIS_YEAR + 2}-12-31`,
    serviceAreas: ['PLO', 'LEGEVAKT'],
    budgetLines: [
      { costCategory: first.code, description: first.label, year: THIS_YEAR + 1, amountOre: 120_000_000 },
      { costCategory: second.code, description: second.label, year: THIS_YEAR + 2, amountOre: 80_000_000 },
    ],
    requestedAmountOre: 100_000_000,
    ownContributionOre: 100_000_000,
    otherPublicFunding: { declared: false, items: [] },
    confirmations: ['NATIONAL_SOLUTIONS', 'MANDATORY_STANDARDS', 'NORMEN', 'DPIA_ROS'],
    benefitPlan: {
      indicators: [
        {
          name: 'Tid brukt per journalføring',
          unit: 'minutter',
          actor: 'MUNICIPALITY_STAFF',
          kind: 'BENEFIT',
          method: 'MEASURED',
          baselineValue: 6,
          baselineDate: `${THIS_YEAR}-09-01`,
          targetValue: 3,
          targetYear: THIS_YEAR + 3,
        },
      ],
    },
    contactPersons: [{ name: 'Kari Kontakt', email: 'kari.kontakt@test.local', role: 'prosjektleder' }],
    ...overrides,
  };
}
