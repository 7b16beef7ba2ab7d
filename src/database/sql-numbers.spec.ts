import { sqlInteger, sqlOre, SqlNumberError } from './sql-numbers';

describe('whole numbers out of SQL', () => {
  it('reads every form the two drivers give alike', () => {
    for (const v of ['125000050', 125_000_050, 125_000_050n, '125000050.00', ' 125000050 ']) expect(sqlOre(v)).toBe(125_000_050);
    expect(sqlOre('-5')).toBe(-5);
    expect(sqlOre('0.000')).toBe(0);
    expect(sqlInteger(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(sqlInteger(String(Number.MIN_SAFE_INTEGER))).toBe(Number.MIN_SAFE_INTEGER);
  });

  it('refuses fractions, unsafe integers and non-numbers, naming what it read', () => {
    expect(() => sqlOre('12.50', { what: 'the granted sum' })).toThrow('the granted sum is "12.50", not a whole number');
    expect(() => sqlOre(12.5)).toThrow(/12\.5, not a whole number/);
    expect(() => sqlOre('9007199254740992')).toThrow(/9007199254740992, beyond the safe integer range/);
    expect(() => sqlOre(9_007_199_254_740_993n)).toThrow(SqlNumberError);
    // a float from somewhere that already rounded: 2^53 + 1 arrives as 2^53 and is not safe
    expect(() => sqlOre(2 ** 53)).toThrow(/beyond the safe integer range/);
    expect(() => sqlOre('1e3')).toThrow(/not a whole number/);
    expect(() => sqlOre('')).toThrow(/not a whole number/);
    expect(() => sqlOre(NaN)).toThrow(/not a whole number/);
    expect(() => sqlOre({})).toThrow(/is of type object, not a number/);
  });

  it('takes NULL as 0 only when asked', () => {
    expect(sqlOre(null, { nullAsZero: true })).toBe(0);
    expect(() => sqlOre(null)).toThrow('the amount in øre is NULL where a whole number was expected');
    expect(() => sqlInteger(undefined, { what: 'count' })).toThrow(/count is NULL/);
  });
});
