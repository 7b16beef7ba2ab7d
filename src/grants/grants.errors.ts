/** Stable problem codes of grants. */
export const GrantErrors = {
  /** 422: the acceptance deadline has passed (with `acceptBy` and `lastDay`). */
  ACCEPTANCE_DEADLINE_PASSED: 'ACCEPTANCE_DEADLINE_PASSED',
  /** 403: only the lead municipality's applicants accept for the consortium. */
  ONLY_LEAD_ACCEPTS: 'ONLY_LEAD_ACCEPTS',
  /** 400: a signed acceptance needs its document. */
  DOCUMENT_REQUIRED: 'DOCUMENT_REQUIRED',
  /** 415: the signed acceptance must be a PDF. */
  DOCUMENT_NOT_PDF: 'DOCUMENT_NOT_PDF',
  /** 400: a signed acceptance dated after today (Oslo), or before the grant was made. */
  SIGNED_ON_OUT_OF_RANGE: 'SIGNED_ON_OUT_OF_RANGE',
  /** 422: approving would commit more than the call's budget has left (with `remainingOre`). */
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  /** 409: a payment of the grant has been attested: its amount or plan can no longer change. */
  PLAN_LOCKED: 'PLAN_LOCKED',
  /** 409: no payment of a suspended grant is attested (with the suspension's `suspendedAt` and `reasons`). */
  GRANT_SUSPENDED: 'GRANT_SUSPENDED',
  /** 409: the grant is not in a state this change applies to (suspend an active grant, lift a suspended one …). */
  STATUS_CHANGE_NOT_APPLICABLE: 'STATUS_CHANGE_NOT_APPLICABLE',
  /** 409: a change of the grant's status already awaits the approver. */
  STATUS_CHANGE_PENDING: 'STATUS_CHANGE_PENDING',
  /** 400: a due date for the termination statement that is not after today. */
  STATEMENT_DUE_NOT_AFTER_TODAY: 'STATEMENT_DUE_NOT_AFTER_TODAY',
} as const;
