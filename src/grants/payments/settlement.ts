import { shareOfOre, sumOre } from '../../common/money';
import { PaymentState } from './payment.workflow';

/** A tranche as the settlement sees it. */
export interface SettlementTranche {
  paymentId: string;
  tranche: number;
  status: PaymentState;
  amountOre: number;
}

export interface SettlementInput {
  grantedOre: number;
  /** The call's grant share of eligible costs for this grant, in basis points. */
  shareBp: number;
  /** The eligible costs the final report states were actually incurred. */
  eligibleCostsOre: number;
  /** The grant's live tranches (not cancelled, not returned), in plan order. */
  tranches: SettlementTranche[];
}

export interface Settlement {
  /** What the grant finally comes to: the share of the reported costs, never more than granted. */
  finalGrantOre: number;
  /** Paid, or attested and on its way: out of reach of the settlement. */
  committedOre: number;
  /** The tranches not yet attested, each with what is still due on it (0: cancelled). */
  open: Array<{ paymentId: string; tranche: number; fromOre: number; toOre: number }>;
  /** What is due on the last tranche after the settlement. */
  lastTrancheOre: number;
  /** Paid beyond the final grant: to be reclaimed. */
  reclaimOre: number;
}

const COMMITTED: readonly PaymentState[] = ['ATTESTED', 'APPROVED', 'SENT', 'PAID'];

/**
 * The final settlement (sluttoppgjør) when the final report is approved: the grant is at most the call's share of the
 * eligible costs actually reported, and never more than granted. What is paid or already on its way stands; the
 * tranches not yet attested are cut, in plan order, to what is left (the last one is, as a rule, the one cut); if
 * more has been paid than the final grant, the difference is to be reclaimed. Pure: the numbers in, the numbers out.
 */
export function settle(input: SettlementInput): Settlement {
  const finalGrantOre = Math.min(input.grantedOre, shareOfOre(input.eligibleCostsOre, input.shareBp));
  const committed = input.tranches.filter((t) => COMMITTED.includes(t.status));
  const committedOre = sumOre(committed.map((t) => t.amountOre));
  let left = Math.max(0, finalGrantOre - committedOre);
  const open = input.tranches
    .filter((t) => !COMMITTED.includes(t.status))
    .sort((a, b) => a.tranche - b.tranche)
    .map((t) => {
      const toOre = Math.min(t.amountOre, left);
      left -= toOre;
      return { paymentId: t.paymentId, tranche: t.tranche, fromOre: t.amountOre, toOre };
    });
  const last = [...input.tranches].sort((a, b) => b.tranche - a.tranche)[0];
  const lastOpen = open.find((o) => o.paymentId === last?.paymentId);
  const paidOre = sumOre(input.tranches.filter((t) => t.status === 'PAID').map((t) => t.amountOre));
  return {
    finalGrantOre,
    committedOre,
    open,
    lastTrancheOre: lastOpen ? lastOpen.toOre : (last?.amountOre ?? 0),
    // only money that has left can be asked back; what is merely on its way is stopped another way (send back, fail)
    reclaimOre: Math.min(paidOre, Math.max(0, committedOre - finalGrantOre)),
  };
}
