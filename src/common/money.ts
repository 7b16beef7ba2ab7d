/**
 * Money in the application: whole øre, never a float. One place for how an amount reads in Norwegian, for summing
 * amounts safely and for shares in basis points (1 bp = 0.01 %, 10 000 bp = 100 %).
 *
 * How an amount reads (letters, mails and the messages of the API alike):
 *   125 000 000 øre → "1 250 000 kr"        whole kroner: no decimals
 *   125 000 050 øre → "1 250 000,50 kr"     øre shown only when there are any, always two digits after the comma
 *   -5 øre          → "-0,05 kr"            hyphen-minus, not U+2212: searchable and safe in plain-text mail
 * The spaces (thousands and before "kr") are U+00A0 NO-BREAK SPACE, so an amount never breaks across two lines of a
 * letter. Intl (nb-NO) does the grouping; whichever space the ICU in use writes (U+00A0, or U+202F NARROW NO-BREAK
 * SPACE in some CLDR versions) comes out as U+00A0.
 */

/** The one space inside formatted amounts. */
export const MONEY_SPACE = '\u00a0';

const grouping = new Intl.NumberFormat('nb-NO', { useGrouping: true, maximumFractionDigits: 0 });

function toBigInt(ore: number | bigint, what: string): bigint {
  if (typeof ore === 'bigint') return ore;
  if (!Number.isSafeInteger(ore)) throw new RangeError(`${what} must be a whole number of øre within the safe integer range, got ${ore}`);
  return BigInt(ore);
}

/** Whole øre → "1 250 000 kr" or "1 250 000,50 kr" (see above). A bigint may go beyond the safe range. */
export function formatKroner(ore: number | bigint): string {
  const value = toBigInt(ore, 'an amount');
  const abs = value < 0n ? -value : value;
  const kroner = grouping.format(abs / 100n).replace(/[\s\u202f\u2009]/g, MONEY_SPACE);
  const rest = abs % 100n;
  const fraction = rest ? `,${rest.toString().padStart(2, '0')}` : '';
  return `${value < 0n ? '-' : ''}${kroner}${fraction}${MONEY_SPACE}kr`;
}

/**
 * The sum of whole øre amounts, exact: every amount must be a safe integer and so must the sum, or it throws a
 * RangeError naming the value (a sum that no longer fits is a bug to see, not a rounded number to pay out).
 */
export function sumOre(amounts: Iterable<number>): number {
  let total = 0n;
  for (const a of amounts) total += toBigInt(a, 'an amount');
  const n = Number(total);
  if (!Number.isSafeInteger(n)) throw new RangeError(`the sum ${total} øre is beyond the safe integer range`);
  return n;
}

export const FULL_BP = 10_000;

function checkBp(bp: number): void {
  if (!Number.isInteger(bp) || bp < 0 || bp > FULL_BP)
    throw new RangeError(`a share must be a whole number of basis points from 0 to ${FULL_BP}, got ${bp}`);
}

/** `bp` basis points of an amount, rounded down to whole øre (towards minus infinity): 3333 bp of 100 kr is 33,33 kr. */
export function shareOfOre(amountOre: number, bp: number): number {
  const amount = toBigInt(amountOre, 'an amount');
  checkBp(bp);
  const product = amount * BigInt(bp);
  let q = product / 10_000n;
  if (product % 10_000n !== 0n && product < 0n) q -= 1n;
  return Number(q);
}

/**
 * An amount split by shares in basis points that add up to 100 % (10 000 bp): every line but the last gets its
 * share rounded down, the last gets what is left, so the lines always add up to the amount exactly (a payment plan
 * of 50/30/20 % never pays one øre too much or too little).
 */
export function splitByBp(amountOre: number, sharesBp: readonly number[]): number[] {
  toBigInt(amountOre, 'an amount');
  if (!sharesBp.length) throw new RangeError('at least one share is needed to split an amount');
  sharesBp.forEach(checkBp);
  const total = sharesBp.reduce((s, x) => s + x, 0);
  if (total !== FULL_BP) throw new RangeError(`the shares add up to ${total} bp, not ${FULL_BP}`);
  const lines = sharesBp.slice(0, -1).map((bp) => shareOfOre(amountOre, bp));
  return [...lines, amountOre - sumOre(lines)];
}

/** part / whole in basis points, rounded up: a share just above a limit never reads as equal to it. */
export function ratioBpRoundedUp(part: number | bigint, whole: number | bigint): number {
  const p = toBigInt(part, 'the part') * 10_000n;
  const w = toBigInt(whole, 'the whole');
  if (w <= 0n) throw new RangeError(`a ratio needs a positive whole, got ${w}`);
  return Number((p + w - 1n) / w);
}

/** 6200 bp → "62", 4550 → "45,5": a share as Norwegian text writes it, before "prosent" or "%". */
export function formatBpNorwegian(bp: number): string {
  return formatBpAsPercent(bp).replace(' %', '').replace('.', ',');
}

/** 6200 bp → "62 %", 4550 → "45.5 %" (for the English messages of the API). */
export function formatBpAsPercent(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${whole}${frac ? '.' + frac : ''} %`;
}
