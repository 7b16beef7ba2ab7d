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
} as const;
