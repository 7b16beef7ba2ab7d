import { settle } from './settlement';

const KR = 100;

describe('final settlement', () => {
  // granted 1 000 000 kr at a 50 % share; the demo plan 50/30/20 % is 500 000 + 300 000 + 200 000 kr
  const tranches = (s1: 'PAID' | 'PAYABLE', s2: 'PAID' | 'PLANNED' | 'PAYABLE') => [
    { paymentId: 'p1', tranche: 1, status: s1, amountOre: 500_000 * KR },
    { paymentId: 'p2', tranche: 2, status: s2, amountOre: 300_000 * KR },
    { paymentId: 'p3', tranche: 3, status: 'PAYABLE' as const, amountOre: 200_000 * KR },
  ];

  it('costs as budgeted: the last tranche is paid in full, nothing reclaimed', () => {
    const s = settle({ grantedOre: 1_000_000 * KR, shareBp: 5000, eligibleCostsOre: 2_000_000 * KR, tranches: tranches('PAID', 'PAID') });
    expect(s).toMatchObject({ finalGrantOre: 1_000_000 * KR, lastTrancheOre: 200_000 * KR, reclaimOre: 0 });
  });

  it('costs above budget: never more than granted', () => {
    const s = settle({ grantedOre: 1_000_000 * KR, shareBp: 5000, eligibleCostsOre: 3_000_000 * KR, tranches: tranches('PAID', 'PAID') });
    expect(s.finalGrantOre).toBe(1_000_000 * KR);
    expect(s.lastTrancheOre).toBe(200_000 * KR);
  });

  it('costs somewhat under budget: the last tranche is reduced to what is due', () => {
    // 1 800 000 kr × 50 % = 900 000 kr; 800 000 kr paid, so 100 000 kr is due of the 200 000 kr tranche
    const s = settle({ grantedOre: 1_000_000 * KR, shareBp: 5000, eligibleCostsOre: 1_800_000 * KR, tranches: tranches('PAID', 'PAID') });
    expect(s).toMatchObject({ finalGrantOre: 900_000 * KR, lastTrancheOre: 100_000 * KR, reclaimOre: 0 });
    expect(s.open).toEqual([{ paymentId: 'p3', tranche: 3, fromOre: 200_000 * KR, toOre: 100_000 * KR }]);
  });

  it('costs well under budget: the last tranche falls away and the overpayment is reclaimed', () => {
    // 1 500 000,01 kr × 50 % = 750 000,005 kr, rounded down to 750 000 kr; 800 000 kr paid: 50 000 kr back
    const s = settle({ grantedOre: 1_000_000 * KR, shareBp: 5000, eligibleCostsOre: 150_000_001, tranches: tranches('PAID', 'PAID') });
    expect(s).toMatchObject({ finalGrantOre: 750_000 * KR, lastTrancheOre: 0, reclaimOre: 50_000 * KR });
  });

  it('an earlier tranche not yet paid is cut before anything is reclaimed', () => {
    // 1 000 000 kr × 50 % = 500 000 kr: the first tranche covers it; the second and third fall away
    const s = settle({
      grantedOre: 1_000_000 * KR,
      shareBp: 5000,
      eligibleCostsOre: 1_000_000 * KR,
      tranches: tranches('PAID', 'PAYABLE'),
    });
    expect(s.open.map((o) => o.toOre)).toEqual([0, 0]);
    expect(s.reclaimOre).toBe(0);
  });
});
