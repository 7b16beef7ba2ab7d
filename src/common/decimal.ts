/**
 * Exact decimals (indicator baselines and targets) as strings, never through a float: the API carries them as
 * decimal strings ("12.5"), PostgreSQL as numeric. This module reads, checks and normalises them by their digits.
 *
 * The canonical form has no exponent, no plus sign, no leading zeros before the point (except a single 0), no
 * trailing zeros after it and no point without decimals; zero is "0", never "-0". `numeric` returns "12.5000" for a
 * numeric(20,4) column; the canonical form of that is "12.5", so a value reads back as it was written.
 */
export type DecimalString = string;

/** What the API accepts as a decimal string: optional sign, digits, optional point and digits; no exponent. */
export const DECIMAL_PATTERN = /^[+-]?\d+(\.\d+)?$/;

export interface DecimalLimits {
  /** Digits before the point at most (numeric(20,4) holds 16). */
  integerDigits: number;
  /** Digits after the point at most, trailing zeros not counted. */
  fractionDigits: number;
}

export type DecimalCheck =
  { ok: true; value: DecimalString } | { ok: false; reason: 'NOT_A_DECIMAL' | 'TOO_MANY_DECIMALS' | 'OUT_OF_RANGE' | 'INEXACT_NUMBER' };

/** Significant digits a double carries exactly: a JSON numeral with more may already have been rounded by JSON.parse. */
export const EXACT_NUMBER_DIGITS = 15;

/**
 * A JS number in its shortest round-trip form, as digits: what a JSON numeral of at most 15 significant digits said
 * exactly (0.1 is "0.1", 1.5e-3 is "0.0015"). Longer numerals were already rounded by JSON.parse; send strings.
 */
export function numberToDecimal(n: number): DecimalString | null {
  if (!Number.isFinite(n)) return null;
  const [mantissa, exp = '0'] = String(n).split('e');
  const negative = mantissa.startsWith('-');
  const [int, frac = ''] = (negative ? mantissa.slice(1) : mantissa).split('.');
  const shift = Number(exp);
  const digits = int + frac;
  const point = int.length + shift;
  const whole = point <= 0 ? '0' : digits.slice(0, point).padEnd(point, '0');
  const fraction = point <= 0 ? '0'.repeat(-point) + digits : digits.slice(point);
  return canonical(`${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`);
}

/** Canonical form of a string that matches DECIMAL_PATTERN (also of what numeric returns). */
export function canonical(s: string): DecimalString {
  const negative = s.startsWith('-');
  const body = s.replace(/^[+-]/, '');
  const [rawInt, rawFrac = ''] = body.split('.');
  const int = rawInt.replace(/^0+(?=\d)/, '');
  const frac = rawFrac.replace(/0+$/, '');
  const out = frac ? `${int}.${frac}` : int;
  return negative && out !== '0' ? `-${out}` : out;
}

/** Reads a number or a decimal string and checks it against the limits, without floating-point arithmetic. */
export function parseDecimal(value: unknown, limits: DecimalLimits): DecimalCheck {
  let s: string | null = null;
  if (typeof value === 'number') s = numberToDecimal(value);
  else if (typeof value === 'string' && DECIMAL_PATTERN.test(value)) s = canonical(value);
  if (s === null) return { ok: false, reason: 'NOT_A_DECIMAL' };
  const [int, frac = ''] = s.replace(/^-/, '').split('.');
  if (frac.length > limits.fractionDigits) return { ok: false, reason: 'TOO_MANY_DECIMALS' };
  if (int.length > limits.integerDigits) return { ok: false, reason: 'OUT_OF_RANGE' };
  if (typeof value === 'number' && significantDigits(s) > EXACT_NUMBER_DIGITS) return { ok: false, reason: 'INEXACT_NUMBER' };
  return { ok: true, value: s };
}

function significantDigits(s: DecimalString): number {
  return s.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

/** A numeric column's value (pg gives a string; PGlite a string or, for some paths, a number) in canonical form. */
export function fromNumeric(v: string | number | null | undefined): DecimalString | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return numberToDecimal(v);
  return canonical(v);
}
