/** Stable problem codes of payments, payees and reclaims. */
export const PaymentErrors = {
  /** 422: attestation refused while a report of the grant is overdue (with `report` and `dueOn`). */
  REPORT_OVERDUE: 'REPORT_OVERDUE',
  /** 422: no payee (organisation number and account) is registered for the grant. */
  NO_PAYEE: 'NO_PAYEE',
  /** 400: an organisation number that fails the MOD11 check. */
  INVALID_ORGANISATION_NUMBER: 'INVALID_ORGANISATION_NUMBER',
  /** 400: a bank account number that fails the MOD11 check. */
  INVALID_ACCOUNT: 'INVALID_ACCOUNT',
  /** 422: the organisation number is not the lead municipality's. */
  PAYEE_NOT_LEAD: 'PAYEE_NOT_LEAD',
  /** 409: no change of payee awaits confirmation. */
  NO_PENDING_PAYEE: 'NO_PENDING_PAYEE',
  /** 403: the one who asked for the change cannot confirm it. */
  PAYEE_SELF_CONFIRM: 'PAYEE_SELF_CONFIRM',
  /** 409: the grant is not active (awaiting acceptance, lapsed, cancelled or completed). */
  GRANT_NOT_ACTIVE: 'GRANT_NOT_ACTIVE',
  /** 409: the payment plan can no longer change: a payment has been attested. */
  PLAN_LOCKED: 'PLAN_LOCKED',
  /** 409: no plan change awaits confirmation / one already does. */
  NO_PLAN_CHANGE: 'NO_PLAN_CHANGE',
  PLAN_CHANGE_PENDING: 'PLAN_CHANGE_PENDING',
  /** 400: a plan whose shares do not add up to 100 % or repeat a condition. */
  INVALID_PLAN: 'INVALID_PLAN',
  /** 422: nothing approved to export. */
  NOTHING_TO_EXPORT: 'NOTHING_TO_EXPORT',
  /** 422: a reclaim above what was paid less earlier reclaims (with `reclaimableOre`). */
  RECLAIM_ABOVE_PAID: 'RECLAIM_ABOVE_PAID',
  /** 422: a repayment above what is still owed on the reclaim (with `outstandingOre`). */
  REPAYMENT_ABOVE_OUTSTANDING: 'REPAYMENT_ABOVE_OUTSTANDING',
  /** 409: a returned payment would leave more reclaimed than paid. */
  RETURN_BELOW_RECLAIMED: 'RETURN_BELOW_RECLAIMED',
  /** 404: the reclaim has no letter (it is still a proposal). */
  NO_LETTER: 'NO_LETTER',
  /** 400: a due date that is not after today. */
  DUE_DATE_NOT_AFTER_TODAY: 'DUE_DATE_NOT_AFTER_TODAY',
  /** 400: a day the bank reports (paid, returned) that is after today. */
  DATE_IN_FUTURE: 'DATE_IN_FUTURE',
} as const;
