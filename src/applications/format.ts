/** Plain-words formatting for messages and mails: integer maths only, nothing passes through a float. */

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

/** 123456789 øre → "NOK 1 234 567,89"; whole kroner drop the øre. */
export function formatNok(ore: number | bigint): string {
  const value = BigInt(ore);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const kroner = group((abs / 100n).toString());
  const rest = abs % 100n;
  return `${sign}NOK ${kroner}${rest ? ',' + rest.toString().padStart(2, '0') : ''}`;
}

/** 6200 bp → "62 %", 4550 → "45.5 %". */
export function formatPercent(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${whole}${frac ? '.' + frac : ''} %`;
}

/** part/whole in basis points, rounded up: a share just above a limit never prints as equal to it. */
export function shareBp(part: number | bigint, whole: number | bigint): number {
  const p = BigInt(part) * 10000n;
  const w = BigInt(whole);
  return Number((p + w - 1n) / w);
}
