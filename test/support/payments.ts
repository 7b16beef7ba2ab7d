import { isBankAccount, isOrganisationNumber } from '../../src/common/norwegian-ids';
import { TestApp } from './app';
import { createCall, MunicipalityPool } from './fixtures';
import { assessedApplication, proposedDecision } from './decisions';

/** A number with its MOD11 check digit appended (weights from the right: 2, 3, 4, 5, 6, 7, 2, 3 …). */
function withCheckDigit(body: string, weights: number[]): string {
  const sum = weights.reduce((s, w, i) => s + w * Number(body[i]), 0);
  const rest = sum % 11;
  const check = rest === 0 ? 0 : 11 - rest;
  return check === 10 ? '' : body + check;
}

let serial = 1000;
/** A fresh valid account number (11 digits, MOD11). */
export function validAccount(): string {
  for (;;) {
    const a = withCheckDigit(`1503${String(serial++).padStart(6, '0')}`, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
    if (a && isBankAccount(a)) return a;
  }
}
/** A fresh valid organisation number (9 digits, MOD11). */
export function validOrganisationNumber(): string {
  for (;;) {
    const o = withCheckDigit(`9${String(serial++).padStart(7, '0')}`, [3, 2, 7, 6, 5, 4, 3, 2]);
    if (o && isOrganisationNumber(o)) return o;
  }
}

/**
 * A grant made by an approved decision (issue 11) and accepted by the lead municipality, its payee registered with
 * the acceptance: its first tranche (50 % on acceptance) payable. Through the API.
 */
export async function activeGrant(
  t: TestApp,
  opts: { pool: MunicipalityPool; call?: { id: string; measureCode: string }; requestedOre?: number; payee?: boolean; members?: string[] },
) {
  const call = opts.call ?? (await createCall(t));
  const s = await assessedApplication(t, { pool: opts.pool, call, members: opts.members, requestedOre: opts.requestedOre ?? 100_000_000 });
  const d = await proposedDecision(t, s.application.id);
  const ok = await t.http().post(`/api/v1/decisions/${d.id}/approve`).set(t.auth('approver')).send({});
  if (ok.status !== 200) throw new Error(`approve: ${ok.status} ${JSON.stringify(ok.body)}`);
  const grantId: string = ok.body.grantId;
  const organisationNumber = validOrganisationNumber();
  const account = validAccount();
  // the lead's applicant accepts the conditions and registers the payee with the acceptance
  const accepted = await t
    .http()
    .post(`/api/v1/grants/${grantId}/accept`)
    .set(s.applicant.auth)
    .send({ name: 'Kari Nordmann', title: 'Kommunedirektør', ...(opts.payee === false ? {} : { payee: { organisationNumber, account } }) });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { ...s, call, decision: d, grantId, organisationNumber, account };
}

/** The ids of the grant's payments by tranche (the live one of each). */
export async function tranchesOf(
  t: TestApp,
  grantId: string,
): Promise<Array<{ id: string; tranche: number; status: string; amountOre: number }>> {
  const rows = await t.dataSource.query(
    `SELECT id, tranche, status, amount_ore::text AS amount FROM payment WHERE grant_id = $1 AND status NOT IN ('RETURNED','CANCELLED') ORDER BY tranche`,
    [grantId],
  );
  return rows.map((r: { id: string; tranche: number; status: string; amount: string }) => ({
    id: r.id,
    tranche: Number(r.tranche),
    status: r.status,
    amountOre: Number(r.amount),
  }));
}

/** Attest (officer), approve (approver), export (the batch) and mark paid: a payable payment paid. */
export async function pay(t: TestApp, paymentId: string, callId?: string): Promise<void> {
  const steps: Array<[string, Record<string, string>, unknown]> = [
    [`/api/v1/payments/${paymentId}/attest`, t.auth('officer'), {}],
    [`/api/v1/payments/${paymentId}/approve`, t.auth('approver'), {}],
  ];
  for (const [path, auth, body] of steps) {
    const r = await t
      .http()
      .post(path)
      .set(auth)
      .send(body as object);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const e = await t
    .http()
    .post('/api/v1/payments/exports')
    .set(t.auth('officer'))
    .send(callId ? { callId } : {});
  if (e.status !== 201) throw new Error(`export: ${e.status} ${JSON.stringify(e.body)}`);
  const r = await t.http().post(`/api/v1/payments/${paymentId}/mark-paid`).set(t.auth('officer')).send({});
  if (r.status !== 200) throw new Error(`mark-paid: ${r.status} ${JSON.stringify(r.body)}`);
}
