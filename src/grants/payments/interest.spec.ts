import { lateInterest, rateOn, reclaimInterest, splitRepayment } from './interest';

/**
 * Forsinkelsesrente on worked examples, written out by hand. Rates from the configured table: 12.5 % p.a. to
 * 30 June 2025, 12.25 % from 1 July 2025. Interest = principal × rate × days / 365, the exact sum rounded half up once.
 */
describe('late-payment interest (forsinkelsesrente)', () => {
  it('across the change of rate on 1 July 2025: 15 days at 12.5 %, 20 days at 12.25 %', () => {
    // 100 000 kr (10 000 000 øre) due 15 June 2025, still owed on 20 July 2025:
    //   16–30 June:  15 days × 10 000 000 × 12.5 %  / 365 = 187 500 000 000 / 3 650 000 = 51 369.86 øre
    //   1–20 July:   20 days × 10 000 000 × 12.25 % / 365 = 245 000 000 000 / 3 650 000 = 67 123.29 øre
    //   total: 432 500 000 000 / 3 650 000 = 118 493.15 → 118 493 øre (1 184,93 kr)
    const r = lateInterest({ principalOre: 10_000_000, dueOn: '2025-06-15', principalRepayments: [], asOf: '2025-07-20' });
    expect(r.accruedOre).toBe(118_493);
    expect(r.periods).toEqual([
      {
        from: '2025-06-16',
        to: '2025-06-30',
        days: 15,
        principalOre: 10_000_000,
        rateBp: 1250,
        interestOre: 51_370,
        rateCarriedForward: false,
      },
      {
        from: '2025-07-01',
        to: '2025-07-20',
        days: 20,
        principalOre: 10_000_000,
        rateBp: 1225,
        interestOre: 67_123,
        rateCarriedForward: false,
      },
    ]);
  });

  it('nothing on or before the due date; the due date itself bears none', () => {
    expect(lateInterest({ principalOre: 10_000_000, dueOn: '2025-06-15', principalRepayments: [], asOf: '2025-06-15' }).accruedOre).toBe(0);
    // one day: 10 000 000 × 12.5 % / 365 = 3 424.66 → 3 425
    expect(lateInterest({ principalOre: 10_000_000, dueOn: '2025-06-15', principalRepayments: [], asOf: '2025-06-16' }).accruedOre).toBe(
      3_425,
    );
  });

  it('a part repaid late covers the interest first; the rest bears interest on the lower principal', () => {
    // 25 June 2025, 50 000 kr received: interest so far 10 days × 10 000 000 × 12.5 % / 365 = 34 246.58 → 34 247 øre,
    // so 34 247 øre is interest and 4 965 753 øre principal; 5 034 247 øre of principal is left
    const first = lateInterest({ principalOre: 10_000_000, dueOn: '2025-06-15', principalRepayments: [], asOf: '2025-06-25' });
    expect(first.accruedOre).toBe(34_247);
    expect(splitRepayment({ amountOre: 5_000_000, interestOwedOre: 34_247, principalOutstandingOre: 10_000_000 })).toEqual({
      interestOre: 34_247,
      principalOre: 4_965_753,
    });
    // to 20 July 2025:
    //   16–25 June: 10 × 10 000 000 × 1250           = 125 000 000 000
    //   26–30 June:  5 ×  5 034 247 × 1250           =  31 464 043 750
    //   1–20 July:  20 ×  5 034 247 × 1225           = 123 339 051 500
    //   Σ 279 803 095 250 / 3 650 000 = 76 658.38 → 76 658 øre accrued; 34 247 paid, 42 411 owed
    const later = lateInterest({
      principalOre: 10_000_000,
      dueOn: '2025-06-15',
      principalRepayments: [{ receivedOn: '2025-06-25', principalOre: 4_965_753 }],
      asOf: '2025-07-20',
    });
    expect(later.accruedOre).toBe(76_658);
    expect(later.periods.map((p) => [p.from, p.to, p.principalOre, p.rateBp, p.interestOre])).toEqual([
      ['2025-06-16', '2025-06-25', 10_000_000, 1250, 34_247],
      ['2025-06-26', '2025-06-30', 5_034_247, 1250, 8_620],
      ['2025-07-01', '2025-07-20', 5_034_247, 1225, 33_792],
    ]);
    const shown = reclaimInterest(
      {
        status: 'DEMANDED',
        amountOre: 10_000_000,
        outstandingOre: 5_034_247,
        dueOn: '2025-06-15',
        repayments: [{ amountOre: 4_965_753, interestOre: 34_247, receivedOn: '2025-06-25' }],
      },
      '2025-07-20',
    );
    expect(shown).toMatchObject({ asOf: '2025-07-20', rateBp: 1225, accruedOre: 76_658, paidOre: 34_247, outstandingOre: 42_411 });
    // paid off that day: 5 034 247 + 42 411
    expect(shown!.totalOutstandingOre).toBe(5_076_658);
    // more than that is refused
    expect(splitRepayment({ amountOre: 5_076_659, interestOwedOre: 42_411, principalOutstandingOre: 5_034_247 })).toBeNull();
  });

  it('a half-year the table does not list yet is reckoned at the last rate, and says so', () => {
    const rates = [
      { from: '2025-01-01', rateBp: 1250 },
      { from: '2025-07-01', rateBp: 1225 },
    ];
    const r = lateInterest({ principalOre: 3_650_000, dueOn: '2025-12-30', principalRepayments: [], asOf: '2026-01-02', rates });
    // 31 Dec at 12.25 % (listed), 1–2 Jan 2026 at 12.25 % carried forward: 3 650 000 × 1225 × 1 / 3 650 000 = 1 225 per day
    expect(r.periods.map((p) => [p.from, p.to, p.interestOre, p.rateCarriedForward])).toEqual([
      ['2025-12-31', '2025-12-31', 1_225, false],
      ['2026-01-01', '2026-01-02', 2_450, true],
    ]);
    expect(r.rateCarriedForward).toBe(true);
    expect(r.accruedOre).toBe(3_675);
  });

  it('the configured table: 12.5 % through 2024 and the first half of 2025, 12.25 % from 1 July 2025, 12.0 % from 1 January 2026', () => {
    expect([rateOn('2024-03-01'), rateOn('2024-09-01'), rateOn('2025-06-30'), rateOn('2025-07-01'), rateOn('2026-01-01')]).toEqual([
      1250, 1250, 1250, 1225, 1200,
    ]);
  });

  it('a reclaim repaid in full stops the interest at the last repayment; one never demanded has none', () => {
    const repaid = reclaimInterest(
      {
        status: 'REPAID',
        amountOre: 10_000_000,
        outstandingOre: 0,
        dueOn: '2025-06-15',
        repayments: [{ amountOre: 10_000_000, interestOre: 118_493, receivedOn: '2025-07-20' }],
      },
      '2026-11-29',
    );
    expect(repaid).toMatchObject({ asOf: '2025-07-20', accruedOre: 118_493, paidOre: 118_493, outstandingOre: 0, totalOutstandingOre: 0 });
    expect(reclaimInterest({ status: 'PROPOSED', amountOre: 1, outstandingOre: 0, dueOn: null, repayments: [] }, '2026-11-29')).toBeNull();
  });
});
