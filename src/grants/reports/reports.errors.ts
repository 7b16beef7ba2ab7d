/** Stable problem codes of follow-up reports. */
export const ReportErrors = {
  /** 403: only the lead municipality's applicants write and submit for the consortium. */
  ONLY_LEAD_ACTS: 'ONLY_LEAD_ACTS_FOR_CONSORTIUM',
  /** 409: the report is submitted, approved or cancelled, and cannot be changed now. */
  REPORT_NOT_EDITABLE: 'REPORT_NOT_EDITABLE',
  /** 422: the report has blocking problems (listed in `errors`, as GET /reports/{id}/validation lists them). */
  NOT_SUBMITTABLE: 'REPORT_NOT_SUBMITTABLE',
  /** 409: only a report not yet submitted (or sent back for changes) can be given a new due date. */
  REPORT_NOT_OPEN: 'REPORT_NOT_OPEN',
  /** 422: an extension must move the due date later. */
  DUE_DATE_NOT_LATER: 'DUE_DATE_NOT_LATER',
  /** 422: a new report cannot be due before today. */
  DUE_DATE_IN_PAST: 'DUE_DATE_IN_PAST',
  /** 409: the grant is not active (or awaiting acceptance), so its reports cannot change. */
  GRANT_NOT_ACTIVE: 'GRANT_NOT_ACTIVE',
  /** 422: the project end must come after its start. */
  PROJECT_ENDS_BEFORE_START: 'PROJECT_ENDS_BEFORE_START',
  /** 409: the final report is already submitted: the project end can no longer move it. */
  FINAL_REPORT_SUBMITTED: 'FINAL_REPORT_SUBMITTED',
  /** 400: a review comment names a part the report does not have. */
  UNKNOWN_SECTION: 'UNKNOWN_SECTION',
  /** 400: a request for changes says what to change. */
  COMMENT_REQUIRED: 'COMMENT_REQUIRED',
  /** 404: the report has no such version. */
  NO_SUCH_VERSION: 'NO_SUCH_VERSION',
  FILE_MISSING: 'FILE_MISSING',
  TOO_MANY_ATTACHMENTS: 'TOO_MANY_ATTACHMENTS',
} as const;

/** What GET /reports/{id}/validation reports, by field. */
export const ReportProblems = {
  SECTION_REQUIRED: 'SECTION_REQUIRED',
  SECTION_TOO_LONG: 'SECTION_TOO_LONG',
  UNKNOWN_SECTION: 'UNKNOWN_SECTION',
  DUPLICATE: 'DUPLICATE',
  COST_CATEGORY_NOT_APPROVED: 'COST_CATEGORY_NOT_APPROVED',
  YEAR_OUTSIDE_PROJECT: 'YEAR_OUTSIDE_PROJECT',
  INDICATOR_MISSING: 'INDICATOR_MISSING',
  UNKNOWN_INDICATOR: 'UNKNOWN_INDICATOR',
  NOT_MEASURED_REASON_REQUIRED: 'NOT_MEASURED_REASON_REQUIRED',
  VALUE_REQUIRED: 'VALUE_REQUIRED',
  PERIOD_REQUIRED: 'PERIOD_REQUIRED',
  PERIOD_ENDS_BEFORE_START: 'PERIOD_ENDS_BEFORE_START',
  METHOD_REQUIRED: 'METHOD_REQUIRED',
  SAMPLE_REQUIRED: 'SAMPLE_REQUIRED',
  NOT_APPLICABLE: 'NOT_APPLICABLE',
  ANSWER_REQUIRED: 'ANSWER_REQUIRED',
  ANSWER_TOO_LONG: 'ANSWER_TOO_LONG',
  UNKNOWN_QUESTION: 'UNKNOWN_QUESTION',
  FINANCIAL_STATEMENT_REQUIRED: 'FINANCIAL_STATEMENT_REQUIRED',
  FINANCIAL_STATEMENT_DOES_NOT_ADD_UP: 'FINANCIAL_STATEMENT_DOES_NOT_ADD_UP',
  TOTAL_DIFFERS_FROM_ACTUALS: 'TOTAL_DIFFERS_FROM_ACTUALS',
  GRANT_USED_ABOVE_GRANT: 'GRANT_USED_ABOVE_GRANT',
  BENEFIT_SUMMARY_REQUIRED: 'BENEFIT_SUMMARY_REQUIRED',
  BENEFIT_SUMMARY_TOO_LONG: 'BENEFIT_SUMMARY_TOO_LONG',
  DECLARATION_REQUIRED: 'DECLARATION_REQUIRED',
} as const;
