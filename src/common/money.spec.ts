import { formatBpAsPercent, formatBpNorwegian, formatKroner, ratioBpRoundedUp, shareOfOre, splitByBp, sumOre } from './money';

/** Written with plain spaces for readability; the formatter writes U+00A0 NO-BREAK SPACE. */
const nb = (s: string) => s.replace(/ /g, '\u00a0');

describe('money: how an amount reads', () => {
  it('whole kroner without decimals, grouped by three with no-break spaces, "kr" after', () => {
    expect(formatKroner(125_000_000)).toBe(nb('1 250 000 kr'));
    expect(formatKroner(125_000)).toBe(nb('1 250 kr'));
    expect(formatKroner(100)).toBe(nb('1 kr'));
    expect(formatKroner(0)).toBe(nb('0 kr'));
  });

  it('øre only when there are any, always two digits', () => {
    expect(formatKroner(125_000_050)).toBe(nb('1 250 000,50 kr'));
    expect(formatKroner(125_000_005)).toBe(nb('1 250 000,05 kr'));
    expect(formatKroner(5)).toBe(nb('0,05 kr'));
  });

  it('negative amounts with a hyphen-minus', () => {
    expect(formatKroner(-5)).toBe(nb('-0,05 kr'));
    expect(formatKroner(-125_000_000)).toBe(nb('-1 250 000 kr'));
  });

  it('uses no other space than U+00A0 (no narrow no-break space, no plain space)', () => {
    const s = formatKroner(123_456_789_012);
    expect(s).toBe('1\u00a0234\u00a0567\u00a0890,12\u00a0kr');
    expect(s).not.toMatch(/[ \u202f\u2009]/);
  });

  it('takes a bigint beyond the safe range exactly, and refuses a number that is not a safe whole øre', () => {
    expect(formatKroner(900719925474099312n)).toBe(nb('9 007 199 254 740 993,12 kr'));
    expect(() => formatKroner(10.5)).toThrow(RangeError);
    expect(() => formatKroner(Number.MAX_SAFE_INTEGER + 1)).toThrow(/safe integer/);
  });
});

describe('money: sums', () => {
  it('adds whole øre exactly', () => {
    expect(sumOre([])).toBe(0);
    expect(sumOre([125_000_050, 74_999_950, -1])).toBe(199_999_999);
    // 0.1 + 0.2 in kroner is not 0.3 in floating point; in øre it is
    expect(sumOre([10, 20])).toBe(30);
  });

  it('refuses fractions, unsafe amounts and a sum that leaves the safe range', () => {
    expect(() => sumOre([1, 0.5])).toThrow(/whole number of øre/);
    expect(() => sumOre([Number.MAX_SAFE_INTEGER + 1])).toThrow(RangeError);
    expect(() => sumOre([Number.MAX_SAFE_INTEGER, 1])).toThrow(/beyond the safe integer range/);
    expect(sumOre([Number.MAX_SAFE_INTEGER, 1, -1])).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('money: shares in basis points', () => {
  it('a share of an amount rounds down to whole øre', () => {
    // 50 % of 1 250 000,01 kr = 625 000,005 kr → 625 000,00 kr
    expect(shareOfOre(125_000_001, 5000)).toBe(62_500_000);
    // 33.33 % of 100 kr = 33,33 kr; 1 bp of 99 øre is 0,0099 øre → 0
    expect(shareOfOre(10_000, 3333)).toBe(3333);
    expect(shareOfOre(99, 1)).toBe(0);
    expect(shareOfOre(10_000, 10_000)).toBe(10_000);
    expect(shareOfOre(10_000, 0)).toBe(0);
    // down is down: -0,005 kr → -0,01 kr
    expect(shareOfOre(-1, 5000)).toBe(-1);
    // exact where the float product would round up across a whole øre (Math.floor(a * bp / 10000) gives …170)
    expect(shareOfOre(9_007_199_254_740_984, 3333)).toBe(3_002_099_511_605_169);
  });

  it('refuses a share outside 0–10 000 bp or not whole', () => {
    expect(() => shareOfOre(100, 10_001)).toThrow(/basis points/);
    expect(() => shareOfOre(100, -1)).toThrow(/basis points/);
    expect(() => shareOfOre(100, 12.5)).toThrow(/basis points/);
    expect(() => shareOfOre(0.5, 100)).toThrow(/whole number of øre/);
  });

  it('splits an amount by a payment plan with the rounding remainder on the last line', () => {
    // 50/30/20 of 1 000 000,01 kr: 500 000,00 + 300 000,00 + 200 000,01
    expect(splitByBp(100_000_001, [5000, 3000, 2000])).toEqual([50_000_000, 30_000_000, 20_000_001]);
    // thirds of 100 kr: 33,33 + 33,33 + 33,34
    expect(splitByBp(10_000, [3333, 3333, 3334])).toEqual([3333, 3333, 3334]);
    // thirds of 1 øre: the last line gets it
    expect(splitByBp(1, [3333, 3333, 3334])).toEqual([0, 0, 1]);
    expect(splitByBp(123_457, [10_000])).toEqual([123_457]);
    for (const amount of [0, 1, 99, 101, 999_999_999, 4_000_000_000_01]) {
      expect(sumOre(splitByBp(amount, [1, 4999, 2500, 2500]))).toBe(amount);
    }
  });

  it('refuses shares that do not add up to 100 %', () => {
    expect(() => splitByBp(100, [5000, 4000])).toThrow(/add up to 9000 bp, not 10000/);
    expect(() => splitByBp(100, [])).toThrow(/at least one share/);
    expect(() => splitByBp(100.5, [10_000])).toThrow(/whole number of øre/);
  });

  it('a ratio rounds up, so a share just over a limit does not read as the limit', () => {
    expect(ratioBpRoundedUp(45_000_001, 100_000_000)).toBe(4501);
    expect(ratioBpRoundedUp(45_000_000, 100_000_000)).toBe(4500);
    expect(ratioBpRoundedUp(2n ** 60n, 2n ** 61n)).toBe(5000);
    expect(() => ratioBpRoundedUp(1, 0)).toThrow(/positive whole/);
    expect(formatBpAsPercent(6200)).toBe('62 %');
    expect(formatBpAsPercent(4550)).toBe('45.5 %');
    // the Norwegian text of letters and reasons: a decimal comma, and no sign ("høyst 45 prosent")
    expect(formatBpNorwegian(4500)).toBe('45');
    expect(formatBpNorwegian(4550)).toBe('45,5');
    expect(formatBpNorwegian(4505)).toBe('45,05');
    expect(formatBpAsPercent(4501)).toBe('45.01 %');
  });
});
