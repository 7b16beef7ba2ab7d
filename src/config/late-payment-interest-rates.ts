/**
 * Forsinkelsesrente: the late-payment interest rate per half-year, in basis points a year (1250 = 12.5 % p.a.).
 *
 * By forsinkelsesrenteloven § 3 first paragraph the Ministry of Finance (Finansdepartementet) sets the rate for each
 * half-year from 1 January and 1 July as Norges Bank's policy rate (styringsrenten) on the first working day of that
 * half-year's preceding December / June, plus 8 percentage points. The values below are the rates the ministry set
 * by regulation (forskrift om forsinkelsesrente og kompensasjon for inndrivelseskostnader; e.g. FOR-2024-12-19-3279,
 * 12.5 % from 1 January 2025, replaced by FOR-2025-06-23-1321 from 1 July 2025), cross-checked against the policy rate:
 * 4.5 % in December 2023, June 2024 and December 2024 (→ 12.5 %), 4.25 % after the cut of 19 June 2025 (→ 12.25 %),
 * 4.0 % after the cut of 18 September 2025 (→ 12.0 %).
 *
 * The scheme's grant period starts in 2024 (domain brief § 1), so the table starts 1 January 2024. A new half-year's
 * rate must be added here when the ministry sets it: until then the last rate listed is used and the interest shown
 * says which days were reckoned at a rate carried forward (`rateCarriedForward`).
 */
export interface LatePaymentRate {
  /** The first day (Europe/Oslo calendar day) the rate is in force. */
  from: string;
  /** Percent a year in basis points: 1225 = 12.25 % p.a. */
  rateBp: number;
}

export const LATE_PAYMENT_INTEREST_RATES: readonly LatePaymentRate[] = [
  { from: '2024-01-01', rateBp: 1250 },
  { from: '2024-07-01', rateBp: 1250 },
  { from: '2025-01-01', rateBp: 1250 },
  { from: '2025-07-01', rateBp: 1225 },
  { from: '2026-01-01', rateBp: 1200 },
];
