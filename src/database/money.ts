import { Column, ColumnOptions, ValueTransformer } from 'typeorm';
import { sqlOre } from './sql-numbers';

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
  // one exact reading of a bigint from either driver: sqlOre's (a column may be NULL, a sum may not)
  from(value: string | number | bigint | null) {
    if (value === null || value === undefined) return value;
    return sqlOre(value, { what: 'the money value' });
  },
};

export function MoneyColumn(options: Omit<ColumnOptions, 'type' | 'transformer'> = {}) {
  return Column({ ...options, type: 'bigint', transformer: moneyTransformer });
}

/** bigint counters and ids that are not money use the same safe conversion. */
export const bigintTransformer = moneyTransformer;
