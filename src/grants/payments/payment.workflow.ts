import { defineWorkflow } from '../../workflow/workflow';

export const PAYMENT_STATES = ['PLANNED', 'PAYABLE', 'ATTESTED', 'APPROVED', 'SENT', 'PAID', 'FAILED', 'RETURNED', 'CANCELLED'] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

/** Approved and on its way, not yet paid: the ledger's "approved, not yet paid". */
export const IN_FLIGHT_STATES: readonly PaymentState[] = ['APPROVED', 'SENT'];
/** A tranche in one of these states is done with: paid, or no longer owed. */
export const SETTLED_PAYMENT_STATES: readonly PaymentState[] = ['PAID', 'CANCELLED', 'RETURNED'];

/**
 * One tranche's payment, from the plan to the bank (domain brief § 6 step 9). It becomes payable when its condition
 * holds (acceptance, an approved progress or final report); an officer attests it, an approver who did not attest it
 * approves it (Reglement for økonomistyring i staten: two people), the export sends it to the accounting system, and
 * the officer records what the bank did. A failed payment goes back to payable once the cause is fixed; a payment the
 * bank returns after it was paid stays RETURNED, and the tranche gets a new payment that is payable again.
 */
export const PaymentWorkflow = defineWorkflow({
  entityType: 'payment',
  table: 'payment',
  states: PAYMENT_STATES,
  transitions: {
    make_payable: { from: ['PLANNED'], to: 'PAYABLE', roles: ['system'] },
    attest: { from: ['PAYABLE'], to: 'ATTESTED', roles: ['officer'] },
    approve: { from: ['ATTESTED'], to: 'APPROVED', roles: ['approver'], notBy: ['attest'] },
    send_back: { from: ['ATTESTED'], to: 'PAYABLE', roles: ['approver'] },
    send: { from: ['APPROVED'], to: 'SENT', roles: ['officer'] },
    mark_paid: { from: ['SENT'], to: 'PAID', roles: ['officer'] },
    mark_failed: { from: ['SENT'], to: 'FAILED', roles: ['officer'] },
    retry: { from: ['FAILED'], to: 'PAYABLE', roles: ['officer'] },
    mark_returned: { from: ['PAID'], to: 'RETURNED', roles: ['officer'] },
    cancel: { from: ['PLANNED', 'PAYABLE', 'FAILED'], to: 'CANCELLED', roles: ['system', 'approver'] },
    // the grant was terminated: an attested or approved payment not yet sent to the bank is stopped too
    withdraw: { from: ['ATTESTED', 'APPROVED'], to: 'CANCELLED', roles: ['system'] },
  },
});
