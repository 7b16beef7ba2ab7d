import { moneyTransformer } from './money';

describe('money column', () => {
  it('reads bigint øre from pg (string) and PGlite (number) alike', () => {
    expect(moneyTransformer.from('6000000000')).toBe(6_000_000_000);
    expect(moneyTransformer.from(6_000_000_000)).toBe(6_000_000_000);
    expect(moneyTransformer.from(null)).toBeNull();
  });

  it('writes whole øre as a decimal string and refuses fractions and unsafe values', () => {
    expect(moneyTransformer.to(150)).toBe('150');
    expect(() => moneyTransformer.to(10.5)).toThrow(/whole number of øre/);
    expect(() => moneyTransformer.to(Number.MAX_SAFE_INTEGER + 2)).toThrow();
    expect(() => moneyTransformer.from('9007199254740993')).toThrow(/safe integer/);
  });
});
