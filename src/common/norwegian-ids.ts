/**
 * Norwegian organisation numbers (9 digits) and bank account numbers (11 digits) carry a MOD11 check digit
 * (Brønnøysundregistrene; Bits' KID/kontonummer standard). Weights from the right, the check digit is
 * 11 − (weighted sum mod 11); a remainder of 0 gives check digit 0, and 10 means the number is invalid.
 * Written here rather than taken from a package: the rule is eight lines and fixed by the registers, and the
 * npm packages for it are small and unmaintained.
 */
const ORG_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];
const ACCOUNT_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

function mod11Holds(digits: string, weights: readonly number[]): boolean {
  if (!/^\d+$/.test(digits) || digits.length !== weights.length + 1) return false;
  const sum = weights.reduce((s, w, i) => s + w * Number(digits[i]), 0);
  const rest = sum % 11;
  const check = rest === 0 ? 0 : 11 - rest;
  return check !== 10 && check === Number(digits[weights.length]);
}

/** A valid organisation number (organisasjonsnummer): nine digits, MOD11. Spaces are not accepted; strip them first. */
export function isOrganisationNumber(s: string): boolean {
  return mod11Holds(s, ORG_WEIGHTS);
}

/** A valid Norwegian bank account number (kontonummer): eleven digits, MOD11; dots and spaces stripped first. */
export function isBankAccount(s: string): boolean {
  return mod11Holds(s, ACCOUNT_WEIGHTS);
}

/** "1234.56.78903" or "1234 56 78903" → "12345678903"; other characters are left for the check to refuse. */
export function normaliseAccount(s: string): string {
  return s.replace(/[.\s]/g, '');
}
