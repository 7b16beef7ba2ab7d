import { ConstraintProblems } from '../common/problem';
import { CommonErrors as C } from '../common/common.errors';
import { Eligibility } from './eligibility';

export const ApplicationErrors = {
  UNKNOWN_CALL: 'UNKNOWN_CALL',
  UNKNOWN_CONSORTIUM: 'UNKNOWN_CONSORTIUM',
  ONLY_LEAD_ACTS: 'ONLY_LEAD_ACTS_FOR_CONSORTIUM',
  LETTER_OF_INTENT_NOT_ACCEPTED: 'LETTER_OF_INTENT_NOT_ACCEPTED',
  ATTACHMENT_IS_LETTER_OF_INTENT: 'ATTACHMENT_IS_LETTER_OF_INTENT',
  CALL_NOT_OPEN: 'CALL_NOT_OPEN',
  APPLICATION_FROZEN: 'APPLICATION_FROZEN',
  UNKNOWN_CONFIRMATION: 'UNKNOWN_CONFIRMATION',
  UNKNOWN_INDICATOR: 'UNKNOWN_INDICATOR',
  UNKNOWN_BUDGET_LINE: 'UNKNOWN_BUDGET_LINE',
  UNKNOWN_COST_CATEGORY: 'UNKNOWN_COST_CATEGORY',
  NOT_SUBMITTABLE: 'APPLICATION_NOT_SUBMITTABLE',
  INVALID_DUE_DATE: 'INVALID_DUE_DATE',
  COMPLETION_PENDING: 'COMPLETION_PENDING',
  DEADLINE_NOT_LATER: 'COMPLETION_DEADLINE_NOT_LATER',
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  FILE_MISSING: 'FILE_MISSING',
  UNSUPPORTED_FILE_TYPE: 'UNSUPPORTED_FILE_TYPE',
  CONTENT_DOES_NOT_MATCH_NAME: 'CONTENT_DOES_NOT_MATCH_NAME',
  /** a call cannot be archived while an application under it is submitted, returned or eligible */
  APPLICATIONS_IN_PROGRESS: 'APPLICATIONS_IN_PROGRESS',
  TOO_MANY_ATTACHMENTS: 'TOO_MANY_ATTACHMENTS',
  ATTACHMENT_QUOTA_EXCEEDED: 'ATTACHMENT_QUOTA_EXCEEDED',
  UPLOAD_ABORTED: 'UPLOAD_ABORTED',
} as const;

/** The application's database checks a request can reach, by the field that breaks them. */
export const ApplicationConstraints: ConstraintProblems = {
  application_project_dates_ordered: {
    field: 'projectEnd',
    code: Eligibility.PROJECT_ENDS_BEFORE_START,
    message: 'the project ends before it starts',
  },
  application_title_check: { field: 'title', code: C.NOT_BLANK, message: 'title must not be blank' },
};
