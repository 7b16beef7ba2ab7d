/** Stable problem codes of change requests (endringssøknader). */
export const GrantChangeErrors = {
  /** 409: changes are requested on an active grant only (with `grantStatus`). */
  GRANT_NOT_ACTIVE: 'GRANT_NOT_ACTIVE',
  /** 400: a change request changes at least one thing. */
  NOTHING_TO_CHANGE: 'NOTHING_TO_CHANGE',
  /** 422: an extension moves the project end later than it is. */
  PROJECT_END_NOT_LATER: 'PROJECT_END_NOT_LATER',
  /** 422: the final report is submitted: the project end can no longer move. */
  FINAL_REPORT_SUBMITTED: 'FINAL_REPORT_SUBMITTED',
  /** 422: a budget line names a cost category the call does not fund. */
  UNKNOWN_COST_CATEGORY: 'UNKNOWN_COST_CATEGORY',
  /** 422: the new budget does not add up to the approved total (the granted amount does not change). */
  BUDGET_TOTAL_CHANGED: 'BUDGET_TOTAL_CHANGED',
  /** 422: a budget year outside the project period. */
  BUDGET_YEAR_OUTSIDE_PROJECT: 'BUDGET_YEAR_OUTSIDE_PROJECT',
  /** 422: a leaving municipality is not a member, or is the lead. */
  NOT_A_MEMBER: 'NOT_A_MEMBER',
  LEAD_CANNOT_LEAVE: 'LEAD_CANNOT_LEAVE',
  /** 422: a joining municipality is unknown or already a member. */
  UNKNOWN_MUNICIPALITY: 'UNKNOWN_MUNICIPALITY',
  ALREADY_A_MEMBER: 'ALREADY_A_MEMBER',
  /** 422: an indicator the benefit plan does not have. */
  UNKNOWN_INDICATOR: 'UNKNOWN_INDICATOR',
  /** 403: above the call's threshold the officer recommends and an approver who is not that officer confirms. */
  SECOND_APPROVAL_REQUIRED: 'SECOND_APPROVAL_REQUIRED',
  /** 422: a municipality asked to join has not consented (with `missing`). */
  MEMBER_CONSENT_MISSING: 'MEMBER_CONSENT_MISSING',
  /** 403: consent is given by an applicant of the joining municipality itself. */
  NOT_YOUR_MUNICIPALITY: 'NOT_YOUR_MUNICIPALITY',
  /** 409: consent to a request already decided. */
  REQUEST_DECIDED: 'REQUEST_DECIDED',
  /** 403: only the lead municipality's applicants request changes for the consortium. */
  ONLY_LEAD_REQUESTS: 'ONLY_LEAD_REQUESTS',
  /** 404: the request has no letter yet. */
  NO_LETTER: 'NO_LETTER',
} as const;

/** Codes of the flags a change request carries: the call's rules checked again, shown to the officer, not refusals. */
export const GrantChangeFlags = {
  /** The members left would be fewer than the call's minimum. */
  BELOW_MIN_MEMBERS: 'BELOW_MIN_MEMBERS',
  /** A joining municipality is in a health region the call excludes. */
  EXCLUDED_HEALTH_REGION: 'EXCLUDED_HEALTH_REGION',
  /** The new project end is after the latest end the call allows. */
  AFTER_LATEST_PROJECT_END: 'AFTER_LATEST_PROJECT_END',
} as const;
