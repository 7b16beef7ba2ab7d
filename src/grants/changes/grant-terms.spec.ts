import { aboveThreshold, GrantTerms, inForceAt, movedOre, TermsBudgetLine } from './grant-terms';

const line = (costCategory: string, year: number, amountOre: number): TermsBudgetLine => ({
  costCategory,
  year,
  amountOre,
  description: '',
});
const terms = (version: number, validFrom: string): GrantTerms => ({
  version,
  validFrom,
  projectEnd: null,
  budgetLines: [],
  members: [],
  indicators: [],
  changeRequestId: null,
});

describe('grant terms', () => {
  it('finds the version in force on a day: the decided one before any change, then the latest valid from that day', () => {
    const history = [terms(1, '2027-01-15'), terms(2, '2027-06-01'), terms(3, '2027-06-01'), terms(4, '2028-02-01')];
    expect(inForceAt(history, '2026-12-31').version).toBe(1);
    expect(inForceAt(history, '2027-05-31').version).toBe(1);
    // two changes approved the same day: the later one holds
    expect(inForceAt(history, '2027-06-01').version).toBe(3);
    expect(inForceAt(history, '2028-01-31').version).toBe(3);
    expect(inForceAt(history, '2030-01-01').version).toBe(4);
  });

  it('counts what a budget change moves: the increases, by category and year', () => {
    // 600 000 / 600 000 / 800 000 kr → 450 000 / 600 000 / 950 000 kr: 150 000 kr moved
    const before = [
      line('PROSESSENDRING', 2027, 60_000_000),
      line('PROSESSENDRING', 2028, 60_000_000),
      line('SAMHANDLING', 2028, 80_000_000),
    ];
    const after = [
      line('PROSESSENDRING', 2027, 45_000_000),
      line('PROSESSENDRING', 2028, 60_000_000),
      line('SAMHANDLING', 2028, 95_000_000),
    ];
    expect(movedOre(before, after)).toBe(15_000_000);
    // a year moved: 600 000 kr from 2027 to 2029
    expect(movedOre(before, [line('PROSESSENDRING', 2029, 60_000_000), ...before.slice(1)])).toBe(60_000_000);
    expect(movedOre(before, before)).toBe(0);
  });

  it('holds a move above the threshold only when it is more than the share of the grant', () => {
    // 1 000 000 kr granted, 10 %: 100 000 kr is not above, 100 000,01 kr is
    expect(aboveThreshold(10_000_000, 100_000_000, 1000)).toBe(false);
    expect(aboveThreshold(10_000_001, 100_000_000, 1000)).toBe(true);
    expect(aboveThreshold(15_000_000, 100_000_000, 1000)).toBe(true);
  });
});
