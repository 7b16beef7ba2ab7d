/** Stable problem codes of grants. */
export const GrantErrors = {
  /** 422: the acceptance deadline has passed (with `acceptBy`). */
  ACCEPTANCE_DEADLINE_PASSED: 'ACCEPTANCE_DEADLINE_PASSED',
  /** 403: only the lead municipality's applicants accept for the consortium. */
  ONLY_LEAD_ACCEPTS: 'ONLY_LEAD_ACCEPTS',
  /** 400: a signed acceptance needs its document. */
  DOCUMENT_REQUIRED: 'DOCUMENT_REQUIRED',
  /** 422: approving would commit more than the call's budget has left (with `remainingOre`). */
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
} as const;
