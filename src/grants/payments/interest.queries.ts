import { EntityManager } from 'typeorm';

/** A repayment of a reclaim, its principal and its late-payment interest recorded apart. */
export async function insertRepayment(
  m: EntityManager,
  r: {
    reclaimId: string;
    grantId: string;
    principalOre: number;
    interestOre: number;
    receivedOn: string;
    note: string | null;
    recordedBy: string;
    at: Date;
  },
): Promise<void> {
  await m.query(
    `INSERT INTO reclaim_repayment (reclaim_id, grant_id, amount_ore, interest_ore, received_on, note, recorded_by, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [r.reclaimId, r.grantId, r.principalOre, r.interestOre, r.receivedOn, r.note, r.recordedBy, r.at.toISOString()],
  );
}
