import { Column, ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Money is whole øre: bigint in PostgreSQL, a safe integer in JS and JSON.
 * `pg` returns bigint as a string and PGlite as a number; both come through here.
 */
export const moneyTransformer: ValueTransformer = {
  to(value: number | null | undefined) {
    if (value === null || value === undefined) return value;
    if (!Number.isSafeInteger(value)) throw new TypeError(`money must be a whole number of øre, got ${value}`);
    return String(value);
  },
  from(value: string | number | bigint | null) {
    if (value === null || value === undefined) return value;
    const n = typeof value === 'number' ? value : Number(BigInt(value));
    if (!Number.isSafeInteger(n)) throw new RangeError(`money value ${value} is beyond safe integer range`);
    return n;
  },
};

export function MoneyColumn(options: Omit<ColumnOptions, 'type' | 'transformer'> = {}) {
  return Column({ ...options, type: 'bigint', transformer: moneyTransformer });
}

/** bigint counters and ids that are not money use the same safe conversion. */
export const bigintTransformer = moneyTransformer;
