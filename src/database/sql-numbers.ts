/**
 * Whole numbers out of SQL, exact and the same on both drivers. PostgreSQL's bigint and numeric (and so sum() and
 * count(), which return them) come from pg as strings; PGlite gives a number for a bigint in the safe range, a
 * JavaScript bigint beyond it, and a string for numeric. Every form is read here the one way:
 *   - an integer value in the safe range becomes a number ("125000050", 125000050, 125000050n, "125000050.00");
 *   - a fraction ("12.50"), a value beyond Number.MAX_SAFE_INTEGER, or anything that is not a number is refused
 *     with an error naming the value and what it was meant to be: a sum of money is never rounded on its way out;
 *   - SQL NULL (sum() over no rows) is refused too, unless the caller says it means 0.
 * A numeric with a scale (numeric(14,2) gives "1234.00") is accepted when the fraction is all zeros.
 */
export interface SqlIntegerOptions {
  /** Named in the error: "the call's granted sum". */
  what?: string;
  /** NULL reads as 0 (sum() over no rows); otherwise a NULL is an error. */
  nullAsZero?: boolean;
}

const INTEGER = /^(-?\d+)(?:\.0+)?$/;

export class SqlNumberError extends RangeError {}

/** A bigint or numeric value from SQL as an exact, safe JavaScript integer (see above). */
export function sqlInteger(value: unknown, options: SqlIntegerOptions = {}): number {
  const what = options.what ?? 'the value';
  if (value === null || value === undefined) {
    if (options.nullAsZero) return 0;
    throw new SqlNumberError(`${what} is NULL where a whole number was expected`);
  }
  let exact: bigint;
  if (typeof value === 'number') {
    // a number is either exact already or was rounded on its way here; either way an unsafe one cannot be trusted
    if (!Number.isInteger(value)) throw new SqlNumberError(`${what} is ${value}, not a whole number`);
    exact = BigInt(value);
  } else if (typeof value === 'bigint') {
    exact = value;
  } else if (typeof value === 'string') {
    const m = INTEGER.exec(value.trim());
    if (!m) throw new SqlNumberError(`${what} is ${JSON.stringify(value)}, not a whole number`);
    exact = BigInt(m[1]);
  } else {
    throw new SqlNumberError(`${what} is of type ${typeof value}, not a number`);
  }
  if (exact > BigInt(Number.MAX_SAFE_INTEGER) || exact < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new SqlNumberError(`${what} is ${exact}, beyond the safe integer range (±${Number.MAX_SAFE_INTEGER}) of an exact number`);
  }
  return Number(exact);
}

/** A sum of money from SQL (sum(amount_ore), a bigint or numeric) as whole øre; sqlInteger's rules. */
export function sqlOre(value: unknown, options: SqlIntegerOptions = {}): number {
  return sqlInteger(value, { ...options, what: options.what ?? 'the amount in øre' });
}
