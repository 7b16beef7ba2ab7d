import { canonical, fromNumeric, numberToDecimal, parseDecimal } from './decimal';

const NUMERIC_20_4 = { integerDigits: 16, fractionDigits: 4 };

describe('exact decimals', () => {
  it('writes numbers by their shortest digits, never through arithmetic', () => {
    expect(numberToDecimal(0.1)).toBe('0.1');
    expect(numberToDecimal(0.2)).toBe('0.2');
    expect(numberToDecimal(1.5e-3)).toBe('0.0015');
    expect(numberToDecimal(1e-7)).toBe('0.0000001');
    expect(numberToDecimal(1e21)).toBe('1000000000000000000000');
    expect(numberToDecimal(-12.5)).toBe('-12.5');
    expect(numberToDecimal(-0)).toBe('0');
    expect(numberToDecimal(Number.NaN)).toBeNull();
    expect(numberToDecimal(Infinity)).toBeNull();
  });

  it('canonical form: no leading or trailing zeros, no minus zero', () => {
    expect(canonical('12.5000')).toBe('12.5');
    expect(canonical('007.10')).toBe('7.1');
    expect(canonical('+3.0')).toBe('3');
    expect(canonical('-0.000')).toBe('0');
    expect(canonical('0.0300')).toBe('0.03');
    expect(fromNumeric('9999999999999999.9999')).toBe('9999999999999999.9999');
    expect(fromNumeric(null)).toBeNull();
  });

  it('checks strings and numbers by their digits against the column', () => {
    expect(parseDecimal('0.3', NUMERIC_20_4)).toEqual({ ok: true, value: '0.3' });
    expect(parseDecimal('9999999999999999.9999', NUMERIC_20_4)).toEqual({ ok: true, value: '9999999999999999.9999' });
    expect(parseDecimal('10000000000000000', NUMERIC_20_4)).toEqual({ ok: false, reason: 'OUT_OF_RANGE' });
    expect(parseDecimal('1.00001', NUMERIC_20_4)).toEqual({ ok: false, reason: 'TOO_MANY_DECIMALS' });
    expect(parseDecimal('1.23450', NUMERIC_20_4)).toEqual({ ok: true, value: '1.2345' });
    expect(parseDecimal(1e-7, NUMERIC_20_4)).toEqual({ ok: false, reason: 'TOO_MANY_DECIMALS' });
    // as a JSON number 1234567890123456.7 arrives as 1234567890123456.8: more digits than a float carries, so refused
    expect(parseDecimal(Number('1234567890123456.7'), NUMERIC_20_4)).toEqual({ ok: false, reason: 'INEXACT_NUMBER' });
    expect(parseDecimal('1234567890123456.7', NUMERIC_20_4)).toEqual({ ok: true, value: '1234567890123456.7' });
    expect(parseDecimal(123456789012.345, NUMERIC_20_4)).toEqual({ ok: true, value: '123456789012.345' });
    for (const bad of ['1e3', '', ' 1', '1.', '.5', '0x10', 'NaN', true, {}, [1]]) {
      expect(parseDecimal(bad, NUMERIC_20_4)).toEqual({ ok: false, reason: 'NOT_A_DECIMAL' });
    }
  });
});
