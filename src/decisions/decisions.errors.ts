/** Stable problem codes of decisions, letters and appeals. */
export const DecisionErrors = {
  /** 409: a decision can be drafted only for an assessed application (or, on appeal, a decided one). */
  APPLICATION_NOT_DECIDABLE: 'APPLICATION_NOT_DECIDABLE',
  /** 409: a decision is already being prepared for the application. */
  DECISION_IN_PREPARATION: 'DECISION_IN_PREPARATION',
  /** 409: the decision can no longer be edited (proposed, approved or sent). */
  DECISION_NOT_EDITABLE: 'DECISION_NOT_EDITABLE',
  /** 422: the amount is above the request or above what the call's rules allow for the application. */
  AMOUNT_ABOVE_LIMIT: 'AMOUNT_ABOVE_LIMIT',
  /** 422: the outcome and the amount disagree (a rejection with money, a full grant below the request). */
  OUTCOME_AMOUNT_MISMATCH: 'OUTCOME_AMOUNT_MISMATCH',
  /** 422: reasons or legal basis are missing (forvaltningsloven §§ 24–25). */
  REASONS_REQUIRED: 'REASONS_REQUIRED',
  /** 422: funding out of rank order needs a written justification. */
  OUT_OF_RANK_JUSTIFICATION_REQUIRED: 'OUT_OF_RANK_JUSTIFICATION_REQUIRED',
  /** 422: approving the decision would take the call's committed grants above its budget (with `remainingOre`). */
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  /** 422: an allocation proposal line names an application the proposal does not have. */
  PROPOSAL_NOT_CURRENT: 'PROPOSAL_NOT_CURRENT',
  /** 404/409: the decision has no letter yet. */
  NO_LETTER: 'NO_LETTER',
  /** 422: the appeal came after the deadline (with `deadline`); an officer may admit it with a reason. */
  APPEAL_TOO_LATE: 'APPEAL_TOO_LATE',
  /** 409: the decision cannot be appealed (not sent, or superseded). */
  DECISION_NOT_APPEALABLE: 'DECISION_NOT_APPEALABLE',
  /** 409: an appeal of the decision is already being handled. */
  APPEAL_PENDING: 'APPEAL_PENDING',
  /** 409: the appeal is not in the state the step needs (a reversal, a forward or more documents while RECEIVED, an outcome once FORWARDED). */
  APPEAL_NOT_OPEN: 'APPEAL_NOT_OPEN',
  /** 422: an officer admitting a late appeal gives the reason (forvaltningsloven § 31), with `deadline`. */
  LATE_ADMISSION_REASON_REQUIRED: 'LATE_ADMISSION_REASON_REQUIRED',
  /** 403: only the officer admits a late appeal; the party lodges within the deadline. */
  LATE_ADMISSION_BY_OFFICER: 'LATE_ADMISSION_BY_OFFICER',
  /** 422: the appeal body's decision date is in the future or before the appeal was forwarded. */
  APPEAL_BODY_DATE_INVALID: 'APPEAL_BODY_DATE_INVALID',
  /** 422: the bulk request names a decision twice. */
  DUPLICATE_DECISION: 'DUPLICATE_DECISION',
} as const;
