import { demoRules } from '../calls/call-rules';
import { ApplicationContent } from './application-content';
import { checkEligibility, EligibilityContext, projectMonths } from './eligibility';

const member = (number: string, name: string, healthRegion: string, lead = false) => ({
  organisationId: `org-${number}`,
  kind: 'MUNICIPALITY',
  name: `${name} kommune`,
  municipalityNumber: number,
  healthRegion,
  writtenLanguage: 'Bokmål',
  lead,
});

/** An application that passes every rule of the demo INNFORING call, submitted 2026-02-01 (45 % allowed that year). */
function valid(): ApplicationContent {
  return {
    call: { id: 'call', version: 1, measureCode: 'INNFORING', title: { nb: 'Innføring', nn: 'Innføring' } },
    consortium: {
      id: 'c',
      name: 'Agder-samarbeidet',
      leadMunicipality: '4204',
      members: [member('4204', 'Kristiansand', 'Helse Sør-Øst', true), member('4227', 'Kvinesdal', 'Helse Sør-Øst')],
    },
    title: 'Ny journal',
    description: 'Innføring av ny journalløsning',
    purpose: 'Bedre samhandling',
    projectStart: '2026-03-01',
    projectEnd: '2028-02-29',
    serviceAreas: ['PLO'],
    budgetLines: [
      { costCategory: 'OPPLAERING', description: 'Opplæring', year: 2026, amountOre: 600_000_00 },
      { costCategory: 'MIGRERING', description: 'Migrering', year: 2027, amountOre: 400_000_00 },
    ],
    requestedAmountOre: 450_000_00,
    ownContributionOre: 550_000_00,
    otherPublicFunding: { declared: false, items: [] },
    confirmations: ['NATIONAL_SOLUTIONS', 'MANDATORY_STANDARDS', 'NORMEN', 'DPIA_ROS'],
    benefitPlan: {
      indicators: [
        {
          id: 'i1',
          name: 'Tidsbruk',
          unit: 'min',
          actor: 'MUNICIPALITY_STAFF',
          kind: 'BENEFIT',
          method: 'MEASURED',
          baselineValue: 6,
          baselineDate: '2025-09-01',
          targetValue: 3,
          targetYear: 2028,
          priceYear: null,
        },
      ],
    },
    contactPersons: [{ name: 'Kari', email: 'kari@test.local', phone: null, role: null }],
    attachments: [],
  };
}

function ctx(over: Partial<EligibilityContext> = {}, measureCode = 'INNFORING'): EligibilityContext {
  return {
    now: new Date('2026-02-01T10:00:00Z'),
    call: {
      status: 'PUBLISHED',
      measureCode,
      opensAt: new Date('2026-01-01T00:00:00Z'),
      closesAt: new Date('2026-05-01T10:00:00Z'),
      budgetOre: 4_000_000_000,
      rules: demoRules(measureCode),
    },
    completionDueAt: null,
    firstSubmittedAt: null,
    taken: [],
    ...over,
  };
}

const check = (a: ApplicationContent, c = ctx()) => checkEligibility(a, c);

describe('eligibility rules (demo configuration)', () => {
  it('a complete application within every rule has no problems', () => {
    expect(check(valid())).toEqual([]);
  });

  describe('call window', () => {
    it('refuses before the call opens', () => {
      expect(check(valid(), ctx({ now: new Date('2025-12-31T22:59:59Z') }))).toEqual([
        { field: 'call.opensAt', code: 'CALL_NOT_OPEN', message: 'the call opens at 2026-01-01 01:00 Oslo time' },
      ]);
    });
    it('accepts at the closing instant and refuses one second after', () => {
      expect(check(valid(), ctx({ now: new Date('2026-05-01T10:00:00Z') }))).toEqual([]);
      expect(check(valid(), ctx({ now: new Date('2026-05-01T10:00:01Z') }))).toEqual([
        {
          field: 'call.closesAt',
          code: 'DEADLINE_PASSED',
          message: 'the deadline was 2026-05-01 12:00 Oslo time; the call no longer accepts submissions',
        },
      ]);
    });
    it('refuses a call that is not published (closed early)', () => {
      const c = ctx();
      expect(check(valid(), { ...c, call: { ...c.call, status: 'CLOSED' } })).toEqual([
        { field: 'call', code: 'CALL_NOT_PUBLISHED', message: 'the call is closed and takes no applications' },
      ]);
    });
    it('a call closed at its closing time reports the deadline, whether or not the closing job has run yet', () => {
      const c = ctx({ now: new Date('2026-05-01T10:00:01Z') });
      const deadline = [
        {
          field: 'call.closesAt',
          code: 'DEADLINE_PASSED',
          message: 'the deadline was 2026-05-01 12:00 Oslo time; the call no longer accepts submissions',
        },
      ];
      expect(check(valid(), c)).toEqual(deadline);
      expect(check(valid(), { ...c, call: { ...c.call, status: 'CLOSED' } })).toEqual(deadline);
    });
    it('after a return for completion the completion deadline replaces the call deadline', () => {
      const late = new Date('2026-06-01T10:00:00Z');
      expect(check(valid(), ctx({ now: late, completionDueAt: new Date('2026-06-10T10:00:00Z') }))).toEqual([]);
      expect(check(valid(), ctx({ now: late, completionDueAt: new Date('2026-05-30T10:00:00Z') }))).toEqual([
        {
          field: 'completionDueAt',
          code: 'COMPLETION_DEADLINE_PASSED',
          message: 'the deadline for completing the application was 2026-05-30 12:00 Oslo time; ask the grant officer for a new deadline',
        },
      ]);
    });
  });

  it('lists every missing required field', () => {
    const a: ApplicationContent = {
      ...valid(),
      description: ' ',
      purpose: null,
      projectStart: null,
      projectEnd: null,
      serviceAreas: [],
      budgetLines: [],
      requestedAmountOre: null,
      ownContributionOre: null,
      contactPersons: [],
      benefitPlan: { indicators: [] },
    };
    expect(check(a)).toEqual([
      { field: 'description', code: 'REQUIRED', message: 'a project description is required' },
      { field: 'purpose', code: 'REQUIRED', message: 'the purpose of the project is required' },
      { field: 'projectStart', code: 'REQUIRED', message: 'the project start date is required' },
      { field: 'projectEnd', code: 'REQUIRED', message: 'the project end date is required' },
      { field: 'serviceAreas', code: 'REQUIRED', message: 'at least one service area is required' },
      { field: 'budgetLines', code: 'REQUIRED', message: 'at least one budget line is required' },
      { field: 'requestedAmountOre', code: 'REQUIRED', message: 'the requested amount is required' },
      { field: 'ownContributionOre', code: 'REQUIRED', message: 'the own contribution (egenfinansiering), 0 if none is required' },
      { field: 'contactPersons', code: 'REQUIRED', message: 'at least one contact person is required' },
      { field: 'benefitPlan.indicators', code: 'REQUIRED', message: 'a benefit plan with at least one indicator is required' },
    ]);
  });

  describe('project period limits', () => {
    it('accepts the full 36 months inside the limits', () => {
      const a = {
        ...valid(),
        projectStart: '2025-01-01',
        projectEnd: '2027-12-31',
        budgetLines: valid().budgetLines.map((l) => ({ ...l, year: 2025 })),
      };
      expect(check(a)).toEqual([]);
      expect(projectMonths('2025-01-01', '2027-12-31')).toBe(36);
      expect(projectMonths('2026-01-15', '2026-02-14')).toBe(1);
      expect(projectMonths('2026-01-15', '2026-02-15')).toBe(2);
    });
    it('refuses an end before the start', () => {
      expect(check({ ...valid(), projectStart: '2026-03-01', projectEnd: '2026-02-01' })).toEqual([
        { field: 'projectEnd', code: 'PROJECT_ENDS_BEFORE_START', message: 'the project ends (2026-02-01) before it starts (2026-03-01)' },
      ]);
    });
    it('refuses a start before, an end after and a length beyond the limits', () => {
      const a = {
        ...valid(),
        projectStart: '2024-06-01',
        projectEnd: '2029-01-31',
        budgetLines: valid().budgetLines.map((l) => ({ ...l, year: 2025 })),
      };
      expect(check(a)).toEqual([
        { field: 'projectStart', code: 'PROJECT_STARTS_TOO_EARLY', message: 'the project may start on 2025-01-01 at the earliest' },
        { field: 'projectEnd', code: 'PROJECT_ENDS_TOO_LATE', message: 'the project must end by 2028-12-31' },
        { field: 'projectEnd', code: 'PROJECT_TOO_LONG', message: 'the project runs 56 months; the call allows at most 36' },
      ]);
    });
  });

  describe('consortium', () => {
    it('refuses fewer municipalities than the minimum (a health trust does not count)', () => {
      const a = valid();
      a.consortium.members = [
        a.consortium.members[0],
        { ...member('x', 'Sørlandet sykehus HF', 'Helse Sør-Øst'), kind: 'HEALTH_TRUST', municipalityNumber: null },
      ];
      expect(check(a)).toEqual([
        {
          field: 'consortium.members',
          code: 'TOO_FEW_MEMBERS',
          message: 'the consortium has 1 municipality; the call requires at least 2',
        },
      ]);
    });
    it('accepts a single-municipality consortium when the call asks for one', () => {
      const a = valid();
      a.consortium.members = [a.consortium.members[0]];
      const c = ctx();
      expect(check(a, { ...c, call: { ...c.call, rules: { ...c.call.rules, minMembers: 1 } } })).toEqual([]);
    });
    it('excludes Helse Midt-Norge municipalities from SAMORDNET_ANSKAFFELSE, but not from INNFORING', () => {
      const a = valid();
      a.consortium.members = [
        member('5001', 'Trondheim', 'Helse Midt-Norge', true),
        member('1577', 'Volda', 'Helse Midt-Norge'),
        member('4227', 'Kvinesdal', 'Helse Sør-Øst'),
      ];
      expect(check(a)).toEqual([]);
      const samordnet = {
        ...a,
        call: { ...a.call, measureCode: 'SAMORDNET_ANSKAFFELSE' },
        budgetLines: [
          { costCategory: 'BEHOVSBESKRIVELSE', description: 'Behov', year: 2026, amountOre: 600_000_00 },
          { costCategory: 'KONKURRANSE', description: 'Konkurranse', year: 2027, amountOre: 400_000_00 },
        ],
      };
      expect(check(samordnet, ctx({}, 'SAMORDNET_ANSKAFFELSE'))).toEqual([
        {
          field: 'consortium.members[0]',
          code: 'EXCLUDED_HEALTH_REGION',
          message: 'Trondheim (5001) is in Helse Midt-Norge: Helse Midt-Norge municipalities cannot apply for SAMORDNET_ANSKAFFELSE',
        },
        {
          field: 'consortium.members[1]',
          code: 'EXCLUDED_HEALTH_REGION',
          message: 'Volda (1577) is in Helse Midt-Norge: Helse Midt-Norge municipalities cannot apply for SAMORDNET_ANSKAFFELSE',
        },
      ]);
    });
    it('refuses a municipality already in another application of the call, unless the call allows it', () => {
      const taken = [{ municipalityNumber: '4227', caseNumber: '2025/00012' }];
      expect(check(valid(), ctx({ taken }))).toEqual([
        {
          field: 'consortium.members[1]',
          code: 'MUNICIPALITY_ALREADY_APPLIED',
          message: 'Kvinesdal (4227) is already a member of application 2025/00012 in this call',
        },
      ]);
      const c = ctx({ taken });
      expect(check(valid(), { ...c, call: { ...c.call, rules: { ...c.call.rules, oneApplicationPerMunicipality: false } } })).toEqual([]);
      expect(check(valid(), ctx({ taken: [{ municipalityNumber: '0301', caseNumber: '2025/00013' }] }))).toEqual([]);
    });
  });

  describe('budget lines', () => {
    it('refuses a never-eligible category with the reason, and one the call does not fund', () => {
      const a = valid();
      a.budgetLines = [
        ...a.budgetLines,
        { costCategory: 'NORMAL_DRIFT', description: 'Drift', year: 2026, amountOre: 100_000_00 },
        { costCategory: 'BEHOVSBESKRIVELSE', description: 'Behov', year: 2026, amountOre: 100_000_00 },
      ];
      expect(check(a)).toEqual([
        {
          field: 'budgetLines[2].costCategory',
          code: 'INELIGIBLE_COST_CATEGORY',
          message:
            'budget line 3 uses ineligible category NORMAL_DRIFT: ordinary operation of the solution (normal drift) is never eligible',
        },
        {
          field: 'budgetLines[3].costCategory',
          code: 'COST_CATEGORY_NOT_IN_CALL',
          message:
            'budget line 4 uses category BEHOVSBESKRIVELSE, which this call does not fund (it funds PROSESSENDRING, SAMHANDLINGSFUNKSJONALITET, TEKNISK_MILJO, STANDARDARBEID, OPPLAERING, VIKARER, ENDRINGSKOMPETANSE, PROSJEKTLEDER, KOMPETANSEKJOP, MIGRERING, GEVINSTREALISERING)',
        },
      ]);
    });
    it('refuses a budget year outside the project period', () => {
      const a = valid();
      a.budgetLines[1].year = 2029;
      expect(check(a)).toEqual([
        {
          field: 'budgetLines[1].year',
          code: 'BUDGET_YEAR_OUTSIDE_PROJECT',
          message: 'budget line 2 is for 2029, outside the project period 2026–2028',
        },
      ]);
    });
  });

  describe('grant share', () => {
    it('refuses more than the share allowed for the submission year (declining rate), in integer basis points', () => {
      // 2026: 45 %; 450 000,01 kr of 1 000 000 kr is a hair over 45 % and prints as such
      const over = { ...valid(), requestedAmountOre: 450_000_01, ownContributionOre: 549_999_99 };
      expect(check(over)).toEqual([
        {
          field: 'requestedAmountOre',
          code: 'GRANT_SHARE_EXCEEDED',
          message: 'requested amount is 45.01 % of eligible costs; the call allows 45 % for applications submitted in 2026',
        },
      ]);
      // the year is Oslo's: 2025-12-31 23:30 UTC is already 2026 in Oslo (45 %), 22:59 UTC is still 2025 (50 %)
      const early = (now: string) =>
        check(over, ctx({ now: new Date(now), call: { ...ctx().call, opensAt: new Date('2025-01-01T00:00:00Z') } }));
      expect(early('2025-12-31T23:30:00Z').map((p) => p.code)).toEqual(['GRANT_SHARE_EXCEEDED']);
      expect(early('2025-12-31T22:59:00Z')).toEqual([]);
    });
    it('a resubmission after a return keeps the share of the year it was first submitted', () => {
      // first sent 2026-12-20 (45 %), returned, completed 2027-01-10 (when new applications get 40 %)
      const resubmitted = ctx({
        now: new Date('2027-01-10T10:00:00Z'),
        completionDueAt: new Date('2027-01-20T10:00:00Z'),
        firstSubmittedAt: new Date('2026-12-20T10:00:00Z'),
      });
      expect(check(valid(), resubmitted)).toEqual([]);
      expect(check(valid(), { ...resubmitted, firstSubmittedAt: null })).toEqual([
        {
          field: 'requestedAmountOre',
          code: 'GRANT_SHARE_EXCEEDED',
          message: 'requested amount is 45 % of eligible costs; the call allows 40 % for applications submitted in 2027',
        },
      ]);
    });
    it('says "62 % of eligible costs; the call allows 50 %" without a declining rate', () => {
      const c = ctx();
      const noDecline = { ...c, call: { ...c.call, rules: { ...c.call.rules, grantShareByYear: [] } } };
      const a = { ...valid(), requestedAmountOre: 620_000_00, ownContributionOre: 380_000_00 };
      expect(check(a, noDecline)).toEqual([
        {
          field: 'requestedAmountOre',
          code: 'GRANT_SHARE_EXCEEDED',
          message: 'requested amount is 62 % of eligible costs; the call allows 50 %',
        },
      ]);
      expect(check({ ...a, requestedAmountOre: 500_000_00, ownContributionOre: 500_000_00 }, noDecline)).toEqual([]);
    });
    it('measures the share against eligible costs only', () => {
      const a = valid();
      a.budgetLines.push({ costCategory: 'NORMAL_DRIFT', description: 'Drift', year: 2026, amountOre: 1_000_000_00 });
      expect(check(a).map((p) => p.code)).toEqual(['INELIGIBLE_COST_CATEGORY']);
    });
    it("refuses a request above the call's whole budget", () => {
      const c = ctx();
      expect(check(valid(), { ...c, call: { ...c.call, budgetOre: 400_000_00 } })).toEqual([
        {
          field: 'requestedAmountOre',
          code: 'REQUEST_EXCEEDS_CALL_BUDGET',
          message: "the requested amount of 450\u00a0000\u00a0kr is more than the call's whole budget of 400\u00a0000\u00a0kr",
        },
      ]);
    });
  });

  describe('other public funding and the financing plan', () => {
    it('requires a declaration either way', () => {
      expect(check({ ...valid(), otherPublicFunding: { declared: null, items: [] } })).toEqual([
        {
          field: 'otherPublicFunding.declared',
          code: 'OTHER_FUNDING_NOT_DECLARED',
          message: 'declare whether other public funding covers any of these costs (true with the items, or false for none)',
        },
      ]);
    });
    it('requires the items to match the declaration', () => {
      expect(check({ ...valid(), otherPublicFunding: { declared: true, items: [] } })).toEqual([
        {
          field: 'otherPublicFunding.items',
          code: 'OTHER_FUNDING_ITEMS_MISMATCH',
          message: 'other public funding is declared, but no funding is listed',
        },
      ]);
    });
    it('refuses items listed under a declaration of no other funding, and accepts the same items once declared', () => {
      // 450 000 requested + 450 000 own + 100 000 listed = the eligible 1 000 000: only the declaration is wrong
      const items = [{ source: 'Statsforvalteren, skjønnsmidler', description: null, amountOre: 100_000_00 }];
      const undeclared = { ...valid(), ownContributionOre: 450_000_00, otherPublicFunding: { declared: false, items } };
      expect(check(undeclared)).toEqual([
        {
          field: 'otherPublicFunding.items',
          code: 'OTHER_FUNDING_ITEMS_MISMATCH',
          message: 'other public funding is declared as none, but 1 item(s) are listed',
        },
      ]);
      const two = [
        { source: 'Statsforvalteren, skjønnsmidler', description: null, amountOre: 60_000_00 },
        { source: 'Fylkeskommunen', description: 'regionale midler', amountOre: 40_000_00 },
      ];
      expect(check({ ...undeclared, otherPublicFunding: { declared: false, items: two } })).toEqual([
        {
          field: 'otherPublicFunding.items',
          code: 'OTHER_FUNDING_ITEMS_MISMATCH',
          message: 'other public funding is declared as none, but 2 item(s) are listed',
        },
      ]);
      expect(check({ ...undeclared, otherPublicFunding: { declared: true, items } })).toEqual([]);
      expect(check({ ...undeclared, otherPublicFunding: { declared: true, items: two } })).toEqual([]);
    });
    it('accepts declared other funding that, with the request and own contribution, covers the costs exactly', () => {
      const a = {
        ...valid(),
        ownContributionOre: 450_000_00,
        otherPublicFunding: { declared: true, items: [{ source: 'Statsforvalteren', description: null, amountOre: 100_000_00 }] },
      };
      expect(check(a)).toEqual([]);
    });
    it('refuses a financing plan that leaves costs uncovered', () => {
      expect(check({ ...valid(), ownContributionOre: 500_000_00 })).toEqual([
        {
          field: 'ownContributionOre',
          code: 'FINANCING_GAP',
          message:
            'requested amount, own contribution and other public funding add up to 950\u00a0000\u00a0kr, but the eligible costs are 1\u00a0000\u00a0000\u00a0kr: the own contribution must cover the remaining 50\u00a0000\u00a0kr',
        },
      ]);
    });
    it('adds amounts as integers even past the safe-integer range: a 1 øre gap is a gap', () => {
      const max = Number.MAX_SAFE_INTEGER;
      const a = {
        ...valid(),
        budgetLines: [
          { costCategory: 'OPPLAERING', description: 'Opplæring', year: 2026, amountOre: max },
          { costCategory: 'MIGRERING', description: 'Migrering', year: 2027, amountOre: 2 },
        ],
        requestedAmountOre: 1,
        ownContributionOre: max,
      };
      expect(check(a, { ...ctx(), call: { ...ctx().call, budgetOre: max } })).toEqual([
        {
          field: 'ownContributionOre',
          code: 'FINANCING_GAP',
          message:
            'requested amount, own contribution and other public funding add up to 90\u00a0071\u00a0992\u00a0547\u00a0409,92\u00a0kr, but the eligible costs are 90\u00a0071\u00a0992\u00a0547\u00a0409,93\u00a0kr: the own contribution must cover the remaining 0,01\u00a0kr',
        },
      ]);
    });
    it('refuses funding the same cost twice', () => {
      const a = {
        ...valid(),
        otherPublicFunding: { declared: true, items: [{ source: 'Fylkeskommunen', description: null, amountOre: 200_000_50 }] },
      };
      expect(check(a)).toEqual([
        {
          field: 'otherPublicFunding',
          code: 'DOUBLE_FUNDING',
          message:
            'requested amount, own contribution and other public funding add up to 1\u00a0200\u00a0000,50\u00a0kr, 200\u00a0000,50\u00a0kr more than the eligible costs of 1\u00a0000\u00a0000\u00a0kr: the same cost may not be funded twice',
        },
      ]);
    });
  });

  it('requires every confirmation the call lists', () => {
    expect(check({ ...valid(), confirmations: ['NATIONAL_SOLUTIONS', 'MANDATORY_STANDARDS'] })).toEqual([
      {
        field: 'confirmations.NORMEN',
        code: 'CONFIRMATION_MISSING',
        message: 'confirm NORMEN: "Normen for informasjonssikkerhet etterleves"',
      },
      {
        field: 'confirmations.DPIA_ROS',
        code: 'CONFIRMATION_MISSING',
        message: 'confirm DPIA_ROS: "DPIA og risikovurdering (ROS) er gjort eller planlagt"',
      },
    ]);
  });

  it('requires a baseline (value and date) and a target (value and year) for every indicator', () => {
    const a = valid();
    const base = a.benefitPlan.indicators[0];
    a.benefitPlan.indicators = [
      { ...base, baselineDate: null },
      { ...base, id: 'i2', name: 'Andel i bruk', baselineValue: null, targetYear: null },
    ];
    expect(check(a)).toEqual([
      {
        field: 'benefitPlan.indicators[0].baselineDate',
        code: 'BASELINE_MISSING',
        message:
          'indicator 1 (Tidsbruk) needs a baseline value and the date it was measured: without a baseline there is no evidence of benefit',
      },
      {
        field: 'benefitPlan.indicators[1].baselineValue',
        code: 'BASELINE_MISSING',
        message:
          'indicator 2 (Andel i bruk) needs a baseline value and the date it was measured: without a baseline there is no evidence of benefit',
      },
      {
        field: 'benefitPlan.indicators[1].targetYear',
        code: 'TARGET_MISSING',
        message: 'indicator 2 (Andel i bruk) needs a target value and the year it is to be reached',
      },
    ]);
  });
});
