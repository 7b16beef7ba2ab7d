import { Temporal } from 'temporal-polyfill';
import { LATE_PAYMENT_INTEREST_RATES, LatePaymentRate } from '../../config/late-payment-interest-rates';
import { sumOre } from '../../common/money';

/** One stretch of days with one principal and one rate. */
export interface InterestPeriod {
  /** First and last day (inclusive) of the stretch. */
  from: string;
  to: string;
  days: number;
  principalOre: number;
  rateBp: number;
  /** This stretch's interest, rounded to whole øre for display (the total is rounded once, from the exact sum). */
  interestOre: number;
  /** The rate is the last one the table lists, carried into a half-year the table does not list yet. */
  rateCarriedForward: boolean;
}

export interface InterestInput {
  principalOre: number;
  /** The reclaim's due date: interest runs from the day after it. */
  dueOn: string;
  /** Principal repaid, by the day the money was received (from the day after, the principal is lower). */
  principalRepayments: ReadonlyArray<{ receivedOn: string; principalOre: number }>;
  /** The last day reckoned (inclusive): today, or the day the principal was paid in full. */
  asOf: string;
  rates?: readonly LatePaymentRate[];
}

export interface InterestResult {
  /** Σ principal × rate × days / 365 over the stretches, rounded half up to whole øre once. */
  accruedOre: number;
  periods: InterestPeriod[];
  rateCarriedForward: boolean;
}

const DAY_BASIS = 365n;
const BP_BASIS = 10_000n;

/**
 * Forsinkelsesrente on a reclaim (forsinkelsesrenteloven § 2 and § 3): simple interest on the principal still owed
 * for each day after the due date, at the rate in force on that day (a rate per half-year, from the configured
 * table), actual days over 365. A day's principal is what was owed at its start: money received on a day still bears
 * that day's interest (days counted from the due date to the day of payment). Pure: computed on demand, never stored.
 */
export function lateInterest(input: InterestInput): InterestResult {
  const rates = [...(input.rates ?? LATE_PAYMENT_INTEREST_RATES)].sort((a, b) => a.from.localeCompare(b.from));
  if (!rates.length) throw new Error('no late-payment interest rates are configured');
  const start = Temporal.PlainDate.from(input.dueOn).add({ days: 1 });
  const end = Temporal.PlainDate.from(input.asOf);
  if (Temporal.PlainDate.compare(start, end) > 0) return { accruedOre: 0, periods: [], rateCarriedForward: false };

  // where something changes: a rate (or a half-year the table lacks), or the principal after a repayment
  const cuts = new Set<string>([start.toString()]);
  for (let y = start.year; y <= end.year; y++) for (const md of ['01-01', '07-01']) cuts.add(`${y}-${md}`);
  for (const r of rates) cuts.add(r.from);
  for (const p of input.principalRepayments) cuts.add(Temporal.PlainDate.from(p.receivedOn).add({ days: 1 }).toString());
  const days = [...cuts].filter((d) => d >= start.toString() && d <= end.toString()).sort();

  const lastListed = rates[rates.length - 1].from;
  const periods: InterestPeriod[] = [];
  let exact = 0n;
  days.forEach((from, i) => {
    const fromDay = Temporal.PlainDate.from(from);
    const toDay = i + 1 < days.length ? Temporal.PlainDate.from(days[i + 1]).subtract({ days: 1 }) : end;
    const repaid = sumOre(input.principalRepayments.filter((p) => p.receivedOn < from).map((p) => p.principalOre));
    const principalOre = input.principalOre - repaid;
    if (principalOre <= 0) return;
    const rate = [...rates].reverse().find((r) => r.from <= from);
    if (!rate) throw new Error(`no late-payment interest rate is configured for ${from}`);
    const n = fromDay.until(toDay).days + 1;
    const numerator = BigInt(principalOre) * BigInt(rate.rateBp) * BigInt(n);
    exact += numerator;
    const halfYear = `${fromDay.year}-${fromDay.month < 7 ? '01' : '07'}-01`;
    const carried = halfYear > lastListed;
    const prev = periods[periods.length - 1];
    // the half-year cuts only matter where the rate or the principal changes: merge stretches that are alike
    if (prev && prev.principalOre === principalOre && prev.rateBp === rate.rateBp && prev.rateCarriedForward === carried) {
      prev.to = toDay.toString();
      prev.days += n;
      prev.interestOre = roundHalfUp(BigInt(prev.principalOre) * BigInt(prev.rateBp) * BigInt(prev.days), BP_BASIS * DAY_BASIS);
      return;
    }
    periods.push({
      from,
      to: toDay.toString(),
      days: n,
      principalOre,
      rateBp: rate.rateBp,
      interestOre: roundHalfUp(numerator, BP_BASIS * DAY_BASIS),
      rateCarriedForward: carried,
    });
  });
  return {
    accruedOre: roundHalfUp(exact, BP_BASIS * DAY_BASIS),
    periods,
    rateCarriedForward: periods.some((p) => p.rateCarriedForward),
  };
}

/**
 * How a repayment is applied: first to the interest accrued and not yet paid, then to the principal (the usual order
 * of cover for a money claim: costs and interest before the principal). Over what is owed in all: `null`.
 */
export function splitRepayment(input: {
  amountOre: number;
  interestOwedOre: number;
  principalOutstandingOre: number;
}): { interestOre: number; principalOre: number } | null {
  const interestOre = Math.min(input.amountOre, Math.max(0, input.interestOwedOre));
  const principalOre = input.amountOre - interestOre;
  return principalOre > input.principalOutstandingOre ? null : { interestOre, principalOre };
}

function roundHalfUp(numerator: bigint, denominator: bigint): number {
  const q = numerator / denominator;
  return Number(numerator % denominator >= (denominator + 1n) / 2n ? q + 1n : q);
}

/** The interest on one reclaim as the API shows it. */
export interface ReclaimInterest {
  /** The last day reckoned: today while the reclaim is owed; the day of the last repayment once it is settled. */
  asOf: string;
  /** The rate in force on that day, basis points a year (1225 = 12.25 % p.a.). */
  rateBp: number;
  accruedOre: number;
  paidOre: number;
  /** Interest owed now (0 once the reclaim is settled: repaid, or written off with its interest). */
  outstandingOre: number;
  /** Principal and interest owed now: what pays the reclaim off today. */
  totalOutstandingOre: number;
  periods: InterestPeriod[];
  rateCarriedForward: boolean;
}

const OWED_STATES = ['DEMANDED', 'WRITE_OFF_PROPOSED'];

/**
 * The interest of a reclaim from its row as read (principal, due date, repayments with their principal and interest
 * parts) and today's date in Oslo; null for a reclaim never demanded (proposed, dismissed).
 */
export function reclaimInterest(
  r: {
    status: string;
    amountOre: number;
    outstandingOre: number;
    dueOn: string | null;
    repayments: ReadonlyArray<{ amountOre: number; interestOre: number; receivedOn: string }>;
  },
  today: string,
  rates: readonly LatePaymentRate[] = LATE_PAYMENT_INTEREST_RATES,
): ReclaimInterest | null {
  if (!r.dueOn || r.status === 'PROPOSED' || r.status === 'DISMISSED') return null;
  const owed = OWED_STATES.includes(r.status);
  const lastReceived = r.repayments
    .map((p) => p.receivedOn)
    .sort()
    .pop();
  const asOf = owed ? today : (lastReceived ?? r.dueOn);
  const result = lateInterest({
    principalOre: r.amountOre,
    dueOn: r.dueOn,
    principalRepayments: r.repayments.map((p) => ({ receivedOn: p.receivedOn, principalOre: p.amountOre })),
    asOf,
    rates,
  });
  const paidOre = sumOre(r.repayments.map((p) => p.interestOre));
  const outstandingOre = owed ? Math.max(0, result.accruedOre - paidOre) : 0;
  return {
    asOf,
    rateBp: rateOn(asOf, rates),
    accruedOre: result.accruedOre,
    paidOre,
    outstandingOre,
    totalOutstandingOre: (owed ? r.outstandingOre : 0) + outstandingOre,
    periods: result.periods,
    rateCarriedForward: result.rateCarriedForward,
  };
}

/** The rate in force on a day (the earliest listed for days before the table starts). */
export function rateOn(day: string, rates: readonly LatePaymentRate[] = LATE_PAYMENT_INTEREST_RATES): number {
  const sorted = [...rates].sort((a, b) => a.from.localeCompare(b.from));
  return ([...sorted].reverse().find((r) => r.from <= day) ?? sorted[0]).rateBp;
}
