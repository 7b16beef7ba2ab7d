import { ConstraintProblems } from '../common/problem';
import { CommonErrors as C } from '../common/common.errors';

export const CallErrors = {
  UNKNOWN_MEASURE: 'UNKNOWN_MEASURE',
  MEASURE_TAKES_NO_APPLICATIONS: 'MEASURE_TAKES_NO_APPLICATIONS',
  MEASURE_NOT_DIRECT: 'MEASURE_NOT_DIRECT',
  UNKNOWN_TECHNOLOGY_AREA: 'UNKNOWN_TECHNOLOGY_AREA',
  UNKNOWN_ORGANISATION: 'UNKNOWN_ORGANISATION',
  CALL_NOT_EDITABLE: 'CALL_NOT_EDITABLE',
  CHANGE_REASON_REQUIRED: 'CHANGE_REASON_REQUIRED',
  CLOSE_REASON_REQUIRED: 'CLOSE_REASON_REQUIRED',
  CLOSING_TIME_PASSED: 'CLOSING_TIME_PASSED',
  INVALID_CALL: 'INVALID_CALL',
  DUPLICATE: 'DUPLICATE',
  CALL_HAS_OPEN_CASES: 'CALL_HAS_OPEN_CASES',
  UNKNOWN_COST_CATEGORY: 'UNKNOWN_COST_CATEGORY',
  NEVER_ELIGIBLE: 'NEVER_ELIGIBLE',
  CLOSES_BEFORE_OPENING: 'CLOSES_BEFORE_OPENING',
  PAYMENT_PLAN_NOT_WHOLE: 'PAYMENT_PLAN_NOT_WHOLE',
  INVALID_SCALE: 'INVALID_SCALE',
  BOTH_ELIGIBLE_AND_INELIGIBLE: 'BOTH_ELIGIBLE_AND_INELIGIBLE',
  PERIOD_ENDS_BEFORE_START: 'PERIOD_ENDS_BEFORE_START',
} as const;

/** The call's database checks a request can reach, by the field that breaks them. */
export const CallConstraints: ConstraintProblems = {
  call_closes_after_opens: { field: 'closesAt', code: CallErrors.CLOSES_BEFORE_OPENING, message: 'the call must close after it opens' },
  call_title_nb_check: { field: 'title.nb', code: C.NOT_BLANK, message: 'title.nb must not be blank' },
  call_title_nn_check: { field: 'title.nn', code: C.NOT_BLANK, message: 'title.nn must not be blank' },
};
